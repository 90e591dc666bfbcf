#!/usr/bin/python3
"""Kafka-style logs with one owner per key: the key's owner (picked from the
sorted node ids by the key's bytes) alone holds the key's log, hands out its
offsets (0, 1, 2, … in the order msgs arrive) and keeps its committed
offset (the highest committed: every msg up to it was processed). Any other
node splits a request by owner, forwards each part and answers once every
owner has; when one does not answer it says nothing (the client's timeout:
the op may or may not have happened). A partition makes keys whose owner is
out of reach unavailable, never wrong."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maelstrom_node import Node

MAX_POLL = 200  # entries per key in one poll_ok: a poll_ok must fit a datagram

node = Node()
logs = {}       # key -> [msg, …] (the key's owner only); a msg's offset is its index
committed = {}  # key -> the highest committed offset (the key's owner only)


def owner(key):
    ids = sorted(node.ids)
    return ids[sum(str(key).encode()) % len(ids)]


def apply(body):
    """The owner's answer to a request about keys it owns."""
    kind = body["type"]
    if kind == "send":
        log = logs.setdefault(body["key"], [])
        log.append(body["msg"])
        return {"type": "send_ok", "offset": len(log) - 1}
    if kind == "poll":
        msgs = {}
        for key, start in body["offsets"].items():
            log = logs.get(key, [])
            start = max(0, start)
            msgs[key] = [[o, log[o]] for o in range(start, min(len(log), start + MAX_POLL))]
        return {"type": "poll_ok", "msgs": msgs}
    if kind == "commit_offsets":
        for key, offset in body["offsets"].items():
            committed[key] = max(committed.get(key, offset), offset)
        return {"type": "commit_offsets_ok"}
    return {"type": "list_committed_offsets_ok",
            "offsets": {k: committed[k] for k in body["keys"] if k in committed}}


def split(body):
    """The request's parts, by the owner of their keys."""
    kind = body["type"]
    if kind == "send":
        return {owner(body["key"]): body}
    parts = {}
    if kind == "list_committed_offsets":
        for key in body["keys"]:
            parts.setdefault(owner(key), {"type": kind, "keys": []})["keys"].append(key)
    else:
        for key, offset in body["offsets"].items():
            parts.setdefault(owner(key), {"type": kind, "offsets": {}})["offsets"][key] = offset
    return parts


def merge(kind, answers):
    if kind == "send":
        return answers[0]
    out = {"type": kind + "_ok"}
    field = {"poll": "msgs", "list_committed_offsets": "offsets"}.get(kind)
    if field:
        out[field] = {}
        for answer in answers:
            out[field].update(answer.get(field, {}))
    return out


def on_request(msg):
    body = {k: v for k, v in msg["body"].items() if k != "msg_id"}
    kind = body["type"]
    parts = split(body)
    answers = []
    state = {"waiting": len(parts), "over": False}

    def arrived(answer):
        if state["over"]:
            return
        if answer is None or answer.get("type") == "error":
            state["over"] = True
            if answer is not None:
                node.reply(msg, answer)
            return  # no answer: say nothing, the client's timeout is the truth
        answers.append(answer)
        state["waiting"] -= 1
        if state["waiting"] == 0:
            state["over"] = True
            node.reply(msg, merge(kind, answers))

    if not parts:
        node.reply(msg, merge(kind, []))
        return
    for dest, part in parts.items():
        if dest == node.id:
            arrived(apply(part))
        else:
            node.rpc(dest, part, lambda reply: arrived(
                None if reply is None else {k: v for k, v in reply["body"].items() if k != "in_reply_to"}),
                timeout=1.0)


for kind in ("send", "poll", "commit_offsets", "list_committed_offsets"):
    node.on(kind, on_request)
node.run()
