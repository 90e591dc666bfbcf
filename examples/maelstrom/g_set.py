#!/usr/bin/python3
"""Grow-only set, a state-based CRDT: each node adds elements to its own
set and gossips the whole set to every other node now and then; a node
merges what it receives by union. Union never loses an element, so after a
partition heals every node converges on every element added anywhere."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
elements = set()


def on_add(msg):
    elements.add(msg["body"]["element"])
    node.reply(msg, {"type": "add_ok"})


def on_merge(msg):
    elements.update(msg["body"]["elements"])


def gossip():
    for n in node.others():
        node.send(n, {"type": "merge", "elements": sorted(elements)})


node.on("add", on_add)
node.on("merge", on_merge)
node.on("read", lambda msg: node.reply(msg, {"type": "read_ok", "value": sorted(elements)}))
node.every(0.2, gossip)
node.run()
