#!/usr/bin/python3
"""Kafka-style logs that stay available: each key has an owner (as in
kafka.py) that appends sends to the key's log, but every node keeps a copy
of every log, fed by gossip, and answers polls from its own copy. A send
reaching another node goes to the owner; when the owner does not answer in
time, the node appends the msg to its own copy at the next offset it knows
of and acknowledges it, meaning to tell the others later. Gossip appends an
entry to a copy only at the copy's end, so copies stay prefixes of the
owner's log as long as every owner answers. Cut off from an owner, a node
hands out offsets the owner hands out too: two msgs at one offset, and the
copies never agree again."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

MAX_POLL = 200    # entries per key in one poll_ok: a poll_ok must fit a datagram
MAX_GOSSIP = 100  # entries per key in one gossip message
OWNER_WAIT = 0.8  # seconds a send waits for the owner before appending here

node = Node()
copies = {}     # key -> [msg, …]: this node's copy of the key's log
committed = {}  # key -> the highest committed offset (the key's owner only)
told = {}       # peer -> key -> how much of our copy the peer says it has


def owner(key):
    ids = sorted(node.ids)
    return ids[sum(str(key).encode()) % len(ids)]


def append(key, msg):
    log = copies.setdefault(key, [])
    log.append(msg)
    return {"type": "send_ok", "offset": len(log) - 1}


def on_send(msg):
    body = msg["body"]
    key = body["key"]
    if owner(key) == node.id or body.get("forwarded"):
        node.reply(msg, append(key, body["msg"]))
        return

    def relay(answer):
        if answer is None:  # the owner is out of reach: stay available
            node.reply(msg, append(key, body["msg"]))
        else:
            node.reply(msg, {k: v for k, v in answer["body"].items() if k != "in_reply_to"})

    node.rpc(owner(key), {"type": "send", "key": key, "msg": body["msg"], "forwarded": True}, relay,
             timeout=OWNER_WAIT)


def on_poll(msg):
    msgs = {}
    for key, start in msg["body"]["offsets"].items():
        log = copies.get(key, [])
        start = max(0, start)
        msgs[key] = [[o, log[o]] for o in range(start, min(len(log), start + MAX_POLL))]
    node.reply(msg, {"type": "poll_ok", "msgs": msgs})


def gossip():
    for peer in node.others():
        have = told.setdefault(peer, {})
        entries = {}
        for key, log in copies.items():
            start = have.get(key, 0)
            if start < len(log):
                entries[key] = [start, log[start:start + MAX_GOSSIP]]
        if entries:
            node.send(peer, {"type": "gossip", "entries": entries})


def on_gossip(msg):
    for key, (start, msgs) in msg["body"]["entries"].items():
        log = copies.setdefault(key, [])
        for offset, m in enumerate(msgs, start):
            if offset == len(log):  # only at the end: a copy has no holes
                log.append(m)
    node.send(msg["src"], {"type": "gossip_ok", "lengths": {k: len(v) for k, v in copies.items()}})


def on_gossip_ok(msg):
    told.setdefault(msg["src"], {}).update(msg["body"]["lengths"])


# Commits and lists of committed offsets go to the owners, as in kafka.py.
def split(body):
    kind = body["type"]
    parts = {}
    if kind == "list_committed_offsets":
        for key in body["keys"]:
            parts.setdefault(owner(key), {"type": kind, "keys": []})["keys"].append(key)
    else:
        for key, offset in body["offsets"].items():
            parts.setdefault(owner(key), {"type": kind, "offsets": {}})["offsets"][key] = offset
    return parts


def apply(body):
    if body["type"] == "commit_offsets":
        for key, offset in body["offsets"].items():
            committed[key] = max(committed.get(key, offset), offset)
        return {"type": "commit_offsets_ok"}
    return {"type": "list_committed_offsets_ok",
            "offsets": {k: committed[k] for k in body["keys"] if k in committed}}


def on_offsets(msg):
    body = {k: v for k, v in msg["body"].items() if k != "msg_id"}
    kind = body["type"]
    parts = split(body)
    merged = {"type": kind + "_ok"}
    if kind == "list_committed_offsets":
        merged["offsets"] = {}
    state = {"waiting": len(parts), "over": False}

    def arrived(answer):
        if state["over"]:
            return
        if answer is None or answer.get("type") == "error":
            state["over"] = True
            if answer is not None:
                node.reply(msg, answer)
            return
        merged.get("offsets", {}).update(answer.get("offsets", {}))
        state["waiting"] -= 1
        if state["waiting"] == 0:
            state["over"] = True
            node.reply(msg, merged)

    if not parts:
        node.reply(msg, merged)
        return
    for dest, part in parts.items():
        if dest == node.id:
            arrived(apply(part))
        else:
            node.rpc(dest, part, lambda reply: arrived(
                None if reply is None else {k: v for k, v in reply["body"].items() if k != "in_reply_to"}),
                timeout=1.0)


node.on("send", on_send)
node.on("poll", on_poll)
node.on("gossip", on_gossip)
node.on("gossip_ok", on_gossip_ok)
node.on("commit_offsets", on_offsets)
node.on("list_committed_offsets", on_offsets)
node.every(0.1, gossip)
node.run()
