#!/usr/bin/python3
"""Sharded transactions without a commit protocol: every key lives on one
node (key k on node k mod n), which applies the micro-ops it is sent in the
order they arrive. The node a client asks splits the txn into one part per
owner (micro-ops in their order), applies its own part at once, sends every
other part to its owner, and answers txn_ok once every part is done (nothing
when a part goes unanswered: the client's timeout). Each key on its own is
linearizable; a txn is atomic on no more than one node. Two txns that write
the same keys on different owners at about the same time can reach one
owner in one order and the other owner in the other: a write cycle (G0)."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
kv = {}


def owner(k):
    return node.ids[int(k) % len(node.ids)]


def apply(part):
    """This node's micro-ops of one txn, applied in order: [[index, [f, k, v]], …] completed."""
    done = []
    for i, (f, k, v) in part:
        key = str(k)
        if f == "r":
            value = kv.get(key)
            done.append([i, [f, k, list(value) if isinstance(value, list) else value]])
        elif f == "w":
            kv[key] = v
            done.append([i, [f, k, v]])
        else:  # append
            kv.setdefault(key, []).append(v)
            done.append([i, [f, k, v]])
    return done


def on_txn(msg):
    txn = msg["body"]["txn"]
    parts = {}
    for i, mop in enumerate(txn):
        parts.setdefault(owner(mop[1]), []).append([i, mop])
    result = [None] * len(txn)
    state = {"waiting": len(parts), "lost": False}

    def part_done(done):
        if done is None:
            state["lost"] = True
        else:
            for i, mop in done:
                result[i] = mop
        state["waiting"] -= 1
        if state["waiting"] == 0 and not state["lost"]:
            node.reply(msg, {"type": "txn_ok", "txn": result})

    for dest, part in parts.items():
        if dest == node.id:
            part_done(apply(part))
        else:
            node.rpc(dest, {"type": "part", "part": part},
                     lambda answer: part_done(None if answer is None else answer["body"]["done"]), timeout=2.0)


node.on("txn", on_txn)
node.on("part", lambda msg: node.reply(msg, {"type": "part_ok", "done": apply(msg["body"]["part"])}))
node.run()
