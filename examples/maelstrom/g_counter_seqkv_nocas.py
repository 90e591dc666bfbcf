#!/usr/bin/python3
"""Grow-only counter as one total in Maelstrom's seq-kv service, changed by
read-then-write: an add reads the total, adds its delta and writes the sum
back. Two adds that read the same total (concurrent ones, or one that reads
the past, which seq-kv may answer from) both write over it, and one add is
lost; compare-and-set (g_counter_seqkv.py) would have refused the second."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
KV = "seq-kv"


def add(msg):
    delta = msg["body"]["delta"]

    def on_read(answer):
        if answer is None:
            return
        body = answer["body"]
        current = body["value"] if body["type"] == "read_ok" else 0
        node.rpc(KV, {"type": "write", "key": "total", "value": current + delta},
                 lambda a: a is not None and node.reply(msg, {"type": "add_ok"}))

    node.rpc(KV, {"type": "read", "key": "total"}, on_read)


def read(msg):
    def on_read(answer):
        if answer is None:
            return
        body = answer["body"]
        node.reply(msg, {"type": "read_ok", "value": body["value"] if body["type"] == "read_ok" else 0})

    node.rpc(KV, {"type": "read", "key": "total"}, on_read)


node.on("add", add)
node.on("read", read)
node.run()
