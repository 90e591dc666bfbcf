#!/usr/bin/python3
"""Grow-only counter as a state-based CRDT: each node counts its own adds,
sends its whole map of per-node counts to the others now and then, and
merges a received map by taking the larger count of each node. A read is
the sum; after a partition heals every node converges on every add."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
counts = {}


def on_add(msg):
    counts[node.id] = counts.get(node.id, 0) + msg["body"]["delta"]
    node.reply(msg, {"type": "add_ok"})


def on_counts(msg):
    for n, c in msg["body"]["counts"].items():
        counts[n] = max(counts.get(n, 0), c)


def gossip():
    for n in node.others():
        node.send(n, {"type": "counts", "counts": counts})


node.on("add", on_add)
node.on("counts", on_counts)
node.on("read", lambda msg: node.reply(msg, {"type": "read_ok", "value": sum(counts.values())}))
node.every(0.2, gossip)
node.run()
