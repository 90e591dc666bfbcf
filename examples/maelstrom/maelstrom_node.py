"""A small event loop for Maelstrom nodes: JSON messages, one per line, on
stdin and stdout; the log on stderr. One thread: handlers, replies to our own
requests and timers all run from run()'s loop, so a node needs no locks.

    node = Node()
    node.on("echo", lambda msg: node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]}))
    node.run()

init is answered here (node.id, node.ids are set before any other handler
runs); a request of a type nobody handles gets error 10 (not supported).
"""
import itertools
import json
import os
import select
import sys
import time


class Node:
    def __init__(self):
        self.id = None
        self.ids = []
        self._handlers = {}
        self._waiting = {}  # msg_id -> (callback, deadline)
        self._timers = []   # [interval, next due, fn]
        self._on_init = []
        self._msg_ids = itertools.count(1)

    def on(self, msg_type, handler):
        self._handlers[msg_type] = handler

    def on_init(self, fn):
        self._on_init.append(fn)

    def every(self, seconds, fn):
        self._timers.append([seconds, time.monotonic() + seconds, fn])

    def others(self):
        return [n for n in self.ids if n != self.id]

    def log(self, text):
        print(text, file=sys.stderr, flush=True)

    def send(self, dest, body):
        sys.stdout.write(json.dumps({"src": self.id, "dest": dest, "body": body}) + "\n")
        sys.stdout.flush()

    def reply(self, msg, body):
        body = dict(body)
        body["in_reply_to"] = msg["body"].get("msg_id")
        self.send(msg["src"], body)

    def error(self, msg, code, text):
        self.reply(msg, {"type": "error", "code": code, "text": text})

    def rpc(self, dest, body, callback, timeout=1.0):
        """Sends a request; callback(reply message) when it is answered, or
        callback(None) after `timeout` seconds without an answer."""
        msg_id = next(self._msg_ids)
        self._waiting[msg_id] = (callback, time.monotonic() + timeout)
        self.send(dest, dict(body, msg_id=msg_id))

    def _handle(self, msg):
        body = msg["body"]
        kind = body.get("type")
        if kind == "init":
            self.id = body["node_id"]
            self.ids = body["node_ids"]
            self.reply(msg, {"type": "init_ok"})
            for fn in self._on_init:
                fn()
            return
        waiting = self._waiting.pop(body.get("in_reply_to"), None)
        if waiting is not None:
            waiting[0](msg)
        elif kind in self._handlers:
            self._handlers[kind](msg)
        elif "in_reply_to" not in body:
            self.error(msg, 10, "unsupported message type " + str(kind))

    def _tick(self):
        now = time.monotonic()
        for timer in self._timers:
            if timer[1] <= now and self.id is not None:
                timer[1] = now + timer[0]
                timer[2]()
        for msg_id, (callback, deadline) in list(self._waiting.items()):
            if deadline <= now:
                del self._waiting[msg_id]
                callback(None)

    def run(self):
        pending = b""
        while True:
            now = time.monotonic()
            due = [t[1] for t in self._timers] + [d for _, d in self._waiting.values()]
            wait = max(0.0, min(due) - now) if due else 1.0
            ready, _, _ = select.select([0], [], [], wait)
            if ready:
                chunk = os.read(0, 65536)
                if not chunk:
                    return
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        self._handle(json.loads(line))
            self._tick()
