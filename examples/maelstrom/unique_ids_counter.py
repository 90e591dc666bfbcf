#!/usr/bin/python3
"""Unique ids from a counter of the node's own, without the node's name: each
node alone never repeats an id, but every node counts 1, 2, 3, … so two nodes
hand out the same ids. The bug-free twin is unique_ids.py, which puts the
node's name (and its start time) in each id."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
state = {"next": 0}


def on_generate(msg):
    state["next"] += 1
    node.reply(msg, {"type": "generate_ok", "id": state["next"]})


node.on("generate", on_generate)
node.run()
