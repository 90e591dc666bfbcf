#!/usr/bin/python3
"""Transactions on registers ("r", "w") or lists ("r", "append") with one
leader: the first node holds the map and applies every transaction whole, in
the order they arrive; every other node forwards the client's txn to it and
relays the answer. A node cut off from the leader answers nothing (the
client's timeout: the txn may or may not have happened), so it is
unavailable but never wrong: the history is strict serializable."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

node = Node()
kv = {}


def leader():
    return node.ids[0]


def apply(txn):
    """The leader runs one txn to its end before the next: the completed txn."""
    done = []
    for f, k, v in txn:
        key = str(k)  # JSON keys: 1 and "1" are one key here, as in any JSON map
        if f == "r":
            value = kv.get(key)
            done.append([f, k, list(value) if isinstance(value, list) else value])
        elif f == "w":
            kv[key] = v
            done.append([f, k, v])
        else:  # append
            kv.setdefault(key, []).append(v)
            done.append([f, k, v])
    return done


def on_txn(msg):
    if node.id == leader():
        node.reply(msg, {"type": "txn_ok", "txn": apply(msg["body"]["txn"])})
        return

    def relay(answer):
        if answer is not None:  # no answer: say nothing, the client's timeout is the truth
            node.reply(msg, {k: v for k, v in answer["body"].items() if k != "in_reply_to"})

    node.rpc(leader(), {"type": "txn", "txn": msg["body"]["txn"]}, relay, timeout=2.0)


node.on("txn", on_txn)
node.run()
