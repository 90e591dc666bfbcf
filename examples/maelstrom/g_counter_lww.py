#!/usr/bin/python3
"""Grow-only counter that keeps one total and merges by last writer wins:
each add bumps the total and stamps it with the wall clock; a node takes a
received total whenever its stamp is newer. Adds made on both sides of a
partition (or between two rounds of gossip) overwrite each other."""
import os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
state = {"total": 0, "stamp": [0.0, ""]}


def on_add(msg):
    state["total"] += msg["body"]["delta"]
    state["stamp"] = [time.time(), node.id]
    node.reply(msg, {"type": "add_ok"})


def on_total(msg):
    body = msg["body"]
    if body["stamp"] > state["stamp"]:
        state["total"], state["stamp"] = body["total"], body["stamp"]


def gossip():
    for n in node.others():
        node.send(n, {"type": "total", "total": state["total"], "stamp": state["stamp"]})


node.on("add", on_add)
node.on("total", on_total)
node.on("read", lambda msg: node.reply(msg, {"type": "read_ok", "value": state["total"]}))
node.every(0.2, gossip)
node.run()
