#!/usr/bin/python3
"""Linearizable key-value store with one leader: the first node holds the
map and applies every read, write and cas in the order they arrive; every
other node forwards the client's request to it and relays the answer. A node
cut off from the leader answers nothing (the client's timeout: the op may or
may not have happened), so it is unavailable but never wrong."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
kv = {}


def leader():
    return node.ids[0]


def apply(body):
    """The leader's answer to a read, write or cas."""
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


def on_request(msg):
    if node.id == leader():
        node.reply(msg, apply(msg["body"]))
        return
    request = {k: v for k, v in msg["body"].items() if k != "msg_id"}

    def relay(answer):
        if answer is not None:  # no answer: say nothing, the client's timeout is the truth
            node.reply(msg, {k: v for k, v in answer["body"].items() if k != "in_reply_to"})

    node.rpc(leader(), request, relay, timeout=2.0)


for kind in ("read", "write", "cas"):
    node.on(kind, on_request)
node.run()
