#!/usr/bin/python3
"""Broadcast that survives partitions: every value a node learns is gossiped
to every other node until that node acknowledges it, so a value held back by
a partition arrives once the partition heals."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
messages = set()
unacked = {}  # neighbour -> values it has not acknowledged yet


def learn(values, source=None):
    for v in values:
        if v in messages:
            continue
        messages.add(v)
        for n in node.others():
            if n != source:
                unacked.setdefault(n, set()).add(v)


def on_broadcast(msg):
    learn([msg["body"]["message"]])
    node.reply(msg, {"type": "broadcast_ok"})


def on_gossip(msg):
    values = msg["body"]["messages"]
    learn(values, msg["src"])
    node.reply(msg, {"type": "gossip_ok", "messages": values})


def gossip():
    for n, values in unacked.items():
        if not values:
            continue
        batch = sorted(values)[:2000]  # a datagram holds about 64 KB

        def acked(reply, n=n):
            if reply is not None and reply["body"].get("type") == "gossip_ok":
                unacked[n].difference_update(reply["body"]["messages"])

        node.rpc(n, {"type": "gossip", "messages": batch}, acked, timeout=0.5)


node.on("topology", lambda msg: node.reply(msg, {"type": "topology_ok"}))
node.on("broadcast", on_broadcast)
node.on("gossip", on_gossip)
node.on("read", lambda msg: node.reply(msg, {"type": "read_ok", "messages": sorted(messages)}))
node.every(0.2, gossip)
node.run()
