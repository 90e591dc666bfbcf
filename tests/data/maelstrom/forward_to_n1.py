#!/usr/bin/python3
"""A node that forwards every echo to n1 in the client's name, as Maelstrom's
Raft demo forwards a client's request to its leader; n1 answers the client."""
import json, sys

me = None
for line in sys.stdin:
    msg = json.loads(line)
    body = msg["body"]
    if body["type"] == "init":
        me = body["node_id"]
        out = {"src": me, "dest": msg["src"], "body": {"type": "init_ok", "in_reply_to": body["msg_id"]}}
    elif body["type"] == "echo" and me != "n1":
        out = dict(msg, dest="n1")
    elif body["type"] == "echo":
        out = {"src": me, "dest": msg["src"],
               "body": {"type": "echo_ok", "echo": body["echo"], "in_reply_to": body["msg_id"]}}
    else:
        continue
    print(json.dumps(out), flush=True)
