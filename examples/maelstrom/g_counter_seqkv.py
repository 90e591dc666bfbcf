#!/usr/bin/python3
"""Grow-only counter on Maelstrom's seq-kv service (Gossip Glomers'
challenge 4): each node keeps its own adds under its own key in seq-kv and
changes it only by compare-and-set, retrying when another add of its own got
there first. A read first writes a key of its own, which brings this node's
view of seq-kv up to the newest state (seq-kv may otherwise answer from the
past), then sums every node's key. An add whose answer never comes is not
retried blindly (it may have been applied): the client hears nothing."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
KV = "seq-kv"
syncs = [0]


def add(msg, attempts=20):
    delta = msg["body"]["delta"]

    def on_read(answer):
        if answer is None:
            return
        body = answer["body"]
        if body["type"] == "read_ok":
            current = body["value"]
        elif body.get("code") == 20:
            current = 0
        else:
            return
        node.rpc(KV, {"type": "cas", "key": node.id, "from": current, "to": current + delta,
                      "create_if_not_exists": True}, on_cas)

    def on_cas(answer):
        if answer is None:
            return  # maybe applied, maybe not: say nothing
        body = answer["body"]
        if body["type"] == "cas_ok":
            node.reply(msg, {"type": "add_ok"})
        elif body.get("code") == 22 and attempts > 1:
            add(msg, attempts - 1)

    node.rpc(KV, {"type": "read", "key": node.id}, on_read)


def read(msg):
    syncs[0] += 1
    total = {"sum": 0, "left": len(node.ids), "failed": False}

    def on_value(answer):
        if answer is None or total["failed"]:
            total["failed"] = True
            return
        body = answer["body"]
        if body["type"] == "read_ok":
            total["sum"] += body["value"]
        elif body.get("code") != 20:
            total["failed"] = True
            return
        total["left"] -= 1
        if total["left"] == 0:
            node.reply(msg, {"type": "read_ok", "value": total["sum"]})

    def on_sync(answer):
        if answer is None or answer["body"]["type"] != "write_ok":
            return
        for n in node.ids:
            node.rpc(KV, {"type": "read", "key": n}, on_value)

    node.rpc(KV, {"type": "write", "key": "sync-" + node.id, "value": syncs[0]}, on_sync)


node.on("add", add)
node.on("read", read)
node.run()
