import json
cases=[]
class H:
    def __init__(s,name): s.name=name; s.ev=[]
    def e(s,p,t,f,v,key=None):
        d={"index":len(s.ev),"time":len(s.ev)*1000000,"process":p,"type":t,"f":f,"value":v}
        if key is not None: d["key"]=key
        s.ev.append(d); return d["index"]
    def op(s,p,f,arg=None,res="same",t="ok",key=None):
        s.e(p,"invoke",f,arg,key)
        return s.e(p,t,f,arg if res=="same" else res,key)
    def read(s,p,res,key=None,f="read"): return s.op(p,f,None,res,key=key)
    def save(s):
        with open(s.name+".jsonl","w") as o:
            for d in s.ev: o.write(json.dumps(d,separators=(",",":"))+"\n")
def case(h,checker,expect,init=None):
    c={"file":h.name+".jsonl","checker":checker,"expect":[{"kind":k,"ops":sorted(o)} for k,o in expect]}
    if init is not None: c["init"]=init
    cases.append(c)

# ---- session, list-append
h=H("la_valid"); h.op(0,"append",1,key="x"); h.op(1,"append",2,key="x"); h.read(0,[1,2],"x"); h.read(1,[1,2],"x")
h.op(0,"append",3,key="x"); h.read(0,[1,2,3],"x"); h.op(1,"append",7,key="y"); h.read(1,[7],"y"); h.save()
for c in ["session","read-your-writes","monotonic-reads","monotonic-writes","writes-follow-reads"]: case(h,c,[])
h=H("la_incompatible_read"); h.op(0,"append",1,key="x"); h.op(1,"append",2,key="x"); r0=h.read(0,[1,2],"x"); r1=h.read(1,[2,1],"x"); h.save()
case(h,"session",[("incompatible-read",[r1,r0])])
h=H("la_duplicated_append"); a=h.op(0,"append",1,key="x"); r=h.read(1,[1,1],"x"); h.save()
case(h,"session",[("duplicated-append",[a,r])])
h=H("la_unexpected_value"); h.op(0,"append",1,key="x"); r=h.read(1,[1,9],"x"); h.save()
case(h,"session",[("unexpected-value",[r])])
h=H("la_failed_append_read"); a=h.op(0,"append",5,key="x",t="fail"); r=h.read(1,[5],"x"); h.save()
case(h,"session",[("unexpected-value",[a,r])])
h=H("la_lost_append"); a1=h.op(0,"append",1,key="x"); a2=h.op(0,"append",2,key="x"); r=h.read(1,[2],"x"); h.save()
case(h,"session",[("lost-append",[a1,a2,r])])
h=H("la_read_your_writes"); a1=h.op(0,"append",1,key="x"); h.op(1,"append",2,key="x"); h.read(1,[1,2],"x"); r0=h.read(0,[],"x"); h.save()
case(h,"session",[("read-your-writes",[a1,r0])]); case(h,"read-your-writes",[("read-your-writes",[a1,r0])]); case(h,"monotonic-reads",[])
h=H("la_monotonic_reads"); h.op(1,"append",1,key="x"); h.op(1,"append",2,key="x"); r1=h.read(0,[1,2],"x"); r2=h.read(0,[1],"x"); h.save()
case(h,"session",[("monotonic-reads",[r1,r2])]); case(h,"monotonic-reads",[("monotonic-reads",[r1,r2])]); case(h,"read-your-writes",[])
h=H("la_monotonic_writes"); a1=h.op(0,"append",1,key="x"); a2=h.op(0,"append",2,key="x"); h.read(1,[2,1],"x"); h.save()
case(h,"session",[("monotonic-writes",[a1,a2])]); case(h,"monotonic-writes",[("monotonic-writes",[a1,a2])])
h=H("la_writes_follow_reads"); r0=h.read(0,[5],"x"); a=h.op(0,"append",5,key="x"); h.save()
case(h,"session",[("writes-follow-reads",[r0,a])]); case(h,"writes-follow-reads",[("writes-follow-reads",[r0,a])])

# ---- session, registers (unique written values)
h=H("reg_valid"); h.op(0,"write",1); h.read(1,1); h.op(1,"write",2); h.read(0,2); h.save()
for c in ["session","causal","causal-consistency","causal-memory","causal-convergence"]: case(h,c,[])
h=H("reg_read_your_writes"); w=h.op(0,"write",1); r=h.read(0,None); h.save()
case(h,"read-your-writes",[("read-your-writes",[w,r])]); case(h,"session",[("read-your-writes",[w,r])])
h=H("reg_monotonic_reads"); w=h.op(1,"write",1); r1=h.read(0,1); r2=h.read(0,None); h.save()
case(h,"monotonic-reads",[("monotonic-reads",[w,r1,r2])]); case(h,"session",[("monotonic-reads",[w,r1,r2])])
h=H("reg_monotonic_writes"); w1=h.op(0,"write",1); w2=h.op(0,"write",2); r2=h.read(1,2); r1=h.read(1,1); h.save()
case(h,"monotonic-writes",[("monotonic-writes",[w1,w2,r2,r1])]); case(h,"session",[("monotonic-writes",[w1,w2,r2,r1])])
case(h,"monotonic-reads",[])
h=H("reg_writes_follow_reads"); r0=h.read(0,2); w0=h.op(0,"write",1); r1=h.read(1,1); w1=h.op(1,"write",2); h.save()
case(h,"writes-follow-reads",[("writes-follow-reads",[r0,w0,r1,w1])]); case(h,"session",[("writes-follow-reads",[r0,w0,r1,w1])])
h=H("reg_session_order_cycle"); a=h.op(0,"write",1); g=h.op(3,"write",2); b=h.read(0,2); c=h.read(1,2); d=h.op(1,"write",3); e=h.read(2,3); f=h.read(2,1); h.save()
case(h,"session",[("session-order-cycle",[a,g,b,c,d,e,f])])
for c1 in ["read-your-writes","monotonic-reads","monotonic-writes","writes-follow-reads"]: case(h,c1,[])

# ---- causal (registers with keys)
h=H("causal_valid"); h.op(0,"write",1,key="x"); h.read(1,1,"x"); h.op(1,"write",1,key="y"); h.read(2,1,"y"); h.read(2,1,"x")
h.op(2,"write",2,key="x"); h.read(0,None,"y"); h.read(0,2,"x"); h.save()
for c in ["causal","causal-consistency","causal-memory","causal-convergence","session"]: case(h,c,[])
h=H("causal_thin_air"); h.op(0,"write",1,key="x"); r=h.read(1,7,"x"); h.save()
case(h,"causal",[("thin-air-read",[r])]); case(h,"causal-consistency",[("thin-air-read",[r])])
h=H("causal_cyclic_co"); r0=h.read(0,2,"x"); w0=h.op(0,"write",1,key="y"); r1=h.read(1,1,"y"); w1=h.op(1,"write",2,key="x"); h.save()
case(h,"causal",[("cyclic-co",[r0,w0,r1,w1])]); case(h,"causal-convergence",[("cyclic-co",[r0,w0,r1,w1])])
h=H("causal_write_co_init_read"); w=h.op(0,"write",1,key="x"); r1=h.read(1,1,"x"); r=h.read(1,None,"x"); h.save()
case(h,"causal",[("write-co-init-read",[w,r])]); case(h,"causal-memory",[("write-co-init-read",[w,r])])
h=H("causal_write_co_read"); w1=h.op(0,"write",1,key="x"); w2=h.op(0,"write",2,key="x"); r=h.read(0,1,"x"); h.save()
case(h,"causal",[("write-co-read",[w1,w2,r])]); case(h,"causal-consistency",[("write-co-read",[w1,w2,r])])
h=H("causal_write_hb_init_read")
A=h.op(0,"write",1,key="y"); B=h.op(0,"write",1,key="x"); U=h.op(0,"write",1,key="u")
C=h.op(1,"write",2,key="x"); D=h.op(1,"write",1,key="z")
E=h.read(2,1,"z"); F=h.read(2,None,"y"); G=h.read(2,1,"u"); Hh=h.read(2,2,"x"); h.save()
case(h,"causal",[("write-hb-init-read",[A,F])]); case(h,"causal-memory",[("write-hb-init-read",[A,F])])
case(h,"causal-consistency",[]); case(h,"causal-convergence",[])
h=H("causal_cyclic_hb"); a=h.op(0,"write",1,key="x"); b=h.op(1,"write",2,key="x"); c=h.read(2,1,"x"); d=h.read(2,2,"x"); e=h.read(2,1,"x"); h.save()
case(h,"causal-memory",[("cyclic-hb",[a,b,d,e])]); case(h,"causal-consistency",[])
case(h,"causal",[("cyclic-hb",[a,b,d,e]),("cyclic-cf",[a,b,d,e])])
h=H("causal_cyclic_cf"); a=h.op(0,"write",1,key="x"); b=h.op(1,"write",2,key="x"); c=h.read(2,1,"x"); d=h.read(2,2,"x"); e=h.read(3,2,"x"); f=h.read(3,1,"x"); h.save()
case(h,"causal-convergence",[("cyclic-cf",[a,b,d,f])]); case(h,"causal",[("cyclic-cf",[a,b,d,f])])
case(h,"causal-memory",[]); case(h,"causal-consistency",[])

# ---- set
h=H("set_valid"); h.op(0,"add",1); h.op(1,"add",2); h.op(2,"add",3,t="info"); h.read(0,[1,2]); h.read(1,[2,1,3]); h.save(); case(h,"set",[])
h=H("set_lost"); h.op(0,"add",1); a2=h.op(0,"add",2); r=h.read(1,[1]); h.save(); case(h,"set",[("lost",[a2,r])])
h=H("set_unexpected"); h.op(0,"add",1); r=h.read(1,[1,7]); h.save(); case(h,"set",[("unexpected",[r])])
h=H("set_failed_add_read"); a=h.op(0,"add",3,t="fail"); r=h.read(1,[3]); h.save(); case(h,"set",[("unexpected",[a,r])])
# an add that failed and was retried with an unknown outcome may have happened
h=H("set_failed_then_info_add"); h.op(0,"add",3,t="fail"); h.op(0,"add",3,t="info"); h.read(1,[3]); h.save(); case(h,"set",[])
# ---- counter
h=H("counter_valid"); h.op(0,"add",1); h.op(1,"add",2,t="info"); h.read(2,3); h.read(2,1); h.save(); case(h,"counter",[])
h=H("counter_read_too_low"); h.op(0,"add",5); r=h.read(1,2); h.save(); case(h,"counter",[("read-too-low",[r])])
h=H("counter_read_too_high"); h.op(0,"add",1); h.op(0,"add",2,t="fail"); r=h.read(1,4); h.save(); case(h,"counter",[("read-too-high",[r])])
# ---- bank
h=H("bank_valid"); h.read(0,{"a":5,"b":5}); h.op(1,"transfer",{"from":"a","to":"b","amount":2}); h.read(0,{"a":3,"b":7}); h.save()
case(h,"bank",[]); case(h,"bank",[],init={"total":10,"negative":False})
h=H("bank_wrong_total"); h.read(0,{"a":5,"b":5}); r=h.read(0,{"a":5,"b":4}); h.save(); case(h,"bank",[("wrong-total",[r])])
h=H("bank_negative_balance"); h.read(0,{"a":5,"b":5}); r=h.read(0,{"a":-1,"b":11}); h.save(); case(h,"bank",[("negative-balance",[r])])
case(h,"bank",[],init={"negative":True})
h=H("bank_missing_account"); h.read(0,{"a":5,"b":5}); r=h.read(0,{"a":5}); h.save(); case(h,"bank",[("missing-account",[r])])
# ---- total-queue
h=H("tq_valid"); h.op(0,"enqueue",1); h.op(1,"enqueue",2); h.op(0,"dequeue",None,1); h.op(1,"dequeue",None,None); h.op(2,"drain",None,[2]); h.save(); case(h,"total-queue",[])
h=H("tq_lost"); h.op(0,"enqueue",1); e2=h.op(0,"enqueue",2); h.op(1,"dequeue",None,1); h.op(1,"drain",None,[]); h.save(); case(h,"total-queue",[("lost",[e2])])
h=H("tq_duplicated"); h.op(0,"enqueue",1); d1=h.op(1,"dequeue",None,1); d2=h.op(1,"dequeue",None,1); h.save(); case(h,"total-queue",[("duplicated",[d1,d2])])
h=H("tq_unexpected"); h.op(0,"enqueue",1); h.op(1,"dequeue",None,1); d=h.op(1,"dequeue",None,9); h.save(); case(h,"total-queue",[("unexpected",[d])])
# ---- unique-ids
h=H("ids_valid"); h.op(0,"generate",None,1); h.op(1,"generate",None,2); h.op(0,"generate",None,None,t="info"); h.save(); case(h,"unique-ids",[])
h=H("ids_duplicate"); g1=h.op(0,"generate",None,1); h.op(1,"generate",None,2); g3=h.op(2,"generate",None,1); h.save(); case(h,"unique-ids",[("duplicate-id",[g1,g3])])
# ---- stats
h=H("stats_never_succeeds"); f1=h.op(0,"read",None,None,t="fail"); f2=h.op(0,"read",None,None,t="fail"); h.op(0,"write",1); h.save()
case(h,"stats",[("never-succeeds",[f1,f2])])
h=H("stats_valid"); h.op(0,"read",None,None,t="fail"); h.read(0,1); h.op(0,"write",1,t="info"); h.op(1,"write",2); h.save(); case(h,"stats",[])

with open("cases.json","w") as o: json.dump(cases,o,indent=1); o.write("\n")
print(len(cases),"cases")
