#!/usr/bin/python3
"""Unique ids without coordination: each id is the node's own name and a
counter only this node advances, so no two nodes (and no two requests to one
node) can hand out the same id. A restarted node starts its counter again,
so the id also carries the time the node started."""
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
state = {"next": 0, "epoch": time.time_ns()}


def on_generate(msg):
    state["next"] += 1
    node.reply(msg, {"type": "generate_ok", "id": "%s-%d-%d" % (node.id, state["epoch"], state["next"])})


node.on("generate", on_generate)
node.run()
