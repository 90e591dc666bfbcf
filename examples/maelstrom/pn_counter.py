#!/usr/bin/python3
"""Counter that also decrements, as a state-based CRDT: two grow-only
counters, one of increments and one of decrements, each a map of per-node
totals that only its node advances. Nodes gossip both maps and merge them
by taking the larger total of each node; a read is increments minus
decrements, and after a partition heals every node converges on it."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
inc, dec = {}, {}


def on_add(msg):
    delta = msg["body"]["delta"]
    side = inc if delta >= 0 else dec
    side[node.id] = side.get(node.id, 0) + abs(delta)
    node.reply(msg, {"type": "add_ok"})


def on_counts(msg):
    for mine, theirs in ((inc, msg["body"]["inc"]), (dec, msg["body"]["dec"])):
        for n, c in theirs.items():
            mine[n] = max(mine.get(n, 0), c)


def gossip():
    for n in node.others():
        node.send(n, {"type": "counts", "inc": inc, "dec": dec})


node.on("add", on_add)
node.on("counts", on_counts)
node.on("read", lambda msg: node.reply(msg, {"type": "read_ok", "value": sum(inc.values()) - sum(dec.values())}))
node.every(0.2, gossip)
node.run()
