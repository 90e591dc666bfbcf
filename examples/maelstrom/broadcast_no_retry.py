#!/usr/bin/python3
"""Broadcast that tells every other node once and never again: a value sent
while a partition cuts the link never reaches the other side."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
messages = set()


def on_broadcast(msg):
    v = msg["body"]["message"]
    if v not in messages:
        messages.add(v)
        for n in node.others():
            node.send(n, {"type": "gossip", "messages": [v]})  # fire and forget
    node.reply(msg, {"type": "broadcast_ok"})


def on_gossip(msg):
    messages.update(msg["body"]["messages"])


node.on("topology", lambda msg: node.reply(msg, {"type": "topology_ok"}))
node.on("broadcast", on_broadcast)
node.on("gossip", on_gossip)
node.on("read", lambda msg: node.reply(msg, {"type": "read_ok", "messages": sorted(messages)}))
node.run()
