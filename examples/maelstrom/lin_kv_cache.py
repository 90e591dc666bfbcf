#!/usr/bin/python3
"""The leader-based key-value store of lin_kv.py with a cache in front: every
node that is not the leader remembers the last value it saw for each key
(from its own clients' writes, cas and reads) and answers reads from that
memory without asking the leader. Writes through other nodes never reach
the cache, so its reads go stale."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
kv = {}     # the leader's map
cache = {}  # everyone else's memory of it


def leader():
    return node.ids[0]


def apply(body):
    key, kind = body["key"], body["type"]
    if kind == "read":
        if key not in kv:
            return {"type": "error", "code": 20, "text": "no such key"}
        return {"type": "read_ok", "value": kv[key]}
    if kind == "write":
        kv[key] = body["value"]
        return {"type": "write_ok"}
    if key not in kv:
        return {"type": "error", "code": 20, "text": "no such key"}
    if kv[key] != body["from"]:
        return {"type": "error", "code": 22, "text": "expected %r, found %r" % (body["from"], kv[key])}
    kv[key] = body["to"]
    return {"type": "cas_ok"}


def remember(request, answer):
    kind = answer.get("type")
    if kind == "read_ok":
        cache[request["key"]] = answer["value"]
    elif kind == "write_ok":
        cache[request["key"]] = request["value"]
    elif kind == "cas_ok":
        cache[request["key"]] = request["to"]


def on_request(msg):
    body = msg["body"]
    if node.id == leader():
        node.reply(msg, apply(body))
        return
    if body["type"] == "read" and body["key"] in cache:
        node.reply(msg, {"type": "read_ok", "value": cache[body["key"]]})
        return
    request = {k: v for k, v in body.items() if k != "msg_id"}

    def relay(answer):
        if answer is not None:
            remember(request, answer["body"])
            node.reply(msg, {k: v for k, v in answer["body"].items() if k != "in_reply_to"})

    node.rpc(leader(), request, relay, timeout=2.0)


for kind in ("read", "write", "cas"):
    node.on(kind, on_request)
node.run()
