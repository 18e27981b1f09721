#!/usr/bin/env python3
"""A clocklab VM written in Python: a foreign peer on the bus.

Written as anyone would with pyzmq and msgpack's defaults (`msgpack.packb(msg)`,
`epoch = int(time.time() * 1000)`, integers above 2^32 thus uint64), from SPEC sections 2-4
only: one ROUTER bound on its port, one DEALER per peer with routing id "<id>/<tag>", ticks on
absolute deadlines from a shared start time, messages put in order per sender by seq, a drain
after the last tick, and a log in clocklab's schema. `clocklab inspect` checks it like any
other VM's log.

  vm.py --port P --others P2 P3 --start-at MS --duration S --log-dir D
        [--rate R] [--seed N] [--event-range N] [--trial N] [--drain-ms MS] [--gap-timeout-ms MS]
"""

import argparse
import collections
import json
import math
import os
import random
import signal
import socket
import sys
import time

import msgpack
import zmq

FIELDS = ("v", "from", "to", "epoch", "seq", "clock", "vc", "sentAt")
MAX_SAFE = 2**53 - 1
MAX_CLOCK = 2**52


def now_ms():
    return time.time() * 1000


def count(x, low, high=MAX_SAFE):
    """x as an int if it is an integer in [low, high], else None. SPEC section 3 allows a float
    holding an integer (msgpackr, clocklab's writer, writes integers above 2^32 as float64)."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    # bool is an int in Python; msgpack's true is no integer on the wire.
    return x if isinstance(x, int) and not isinstance(x, bool) and low <= x <= high else None


class Vm:
    def __init__(self, a):
        self.a = a
        self.id = str(a.port)
        self.peers = [str(p) for p in a.others]
        self.rng = random.Random(f"{a.seed}/{self.id}/{a.trial}")
        self.rate = a.rate if a.rate is not None else self.rng.randint(1, 6)
        self.epoch = int(time.time() * 1000)
        self.clock = 0
        self.vc = {}
        self.queue = collections.deque()  # (message, arrivedAt)
        self.streams = {}  # sender -> {"epoch", "next", "held": {seq: (msg, at)}, "since"}
        self.links = {p: {"sent": 0, "received": 0, "pending": 0} for p in self.peers}
        self.next_seq = {p: 1 for p in self.peers}
        self.outbox = {p: collections.deque() for p in self.peers}
        self.rejected = 0
        self.ticks = 0
        self.stopping = None
        name = f"trial-{a.trial}_vm-{self.id}_rate-{self.rate}.jsonl"
        os.makedirs(a.log_dir, exist_ok=True)
        self.log = open(os.path.join(a.log_dir, name), "w", encoding="utf-8")
        self.ctx = zmq.Context()
        self.router = self.ctx.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.bind(f"tcp://127.0.0.1:{self.id}")
        tag = random.getrandbits(32)
        self.dealers = {}
        for p in self.peers:
            d = self.ctx.socket(zmq.DEALER)
            d.setsockopt(zmq.LINGER, 500)
            d.setsockopt(zmq.ROUTING_ID, f"{self.id}/{tag:08x}".encode())
            d.connect(f"tcp://127.0.0.1:{p}")
            self.dealers[p] = d

    def write(self, record):
        # One line per record, handed to the OS before the next tick.
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()

    def reject(self, reason, detail, sender=None):
        self.rejected += 1
        record = {"event": "reject", "t": now_ms(), "reason": reason, "detail": detail}
        if sender is not None:
            record["from"] = sender
        self.write(record)

    # --- receiving -------------------------------------------------------------------------

    def take_frames(self):
        while True:
            try:
                parts = self.router.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            if len(parts) != 2:
                self.reject("shape", f"{len(parts) - 1} frames after the routing id")
                continue
            hint = parts[0].decode("utf-8", "replace").split("/")[0]
            self.take(parts[1], hint, now_ms())

    def take(self, frame, hint, at):
        try:
            msg = msgpack.unpackb(frame)
        except Exception as err:  # any decoding failure is a reject, never a crash
            return self.reject("decode", str(err)[:100], hint)
        problem = self.problem(msg, hint)
        if problem is not None:
            return self.reject(problem[0], problem[1], hint)
        sender = msg["from"]
        s = self.streams.get(sender)
        if s is not None and msg["epoch"] < s["epoch"]:
            return self.reject("stale-epoch", f"epoch {msg['epoch']}", sender)
        if s is None or msg["epoch"] > s["epoch"]:
            if s is not None:  # a restarted sender: what was held goes first, in order
                for seq in sorted(s["held"]):
                    self.queue.append(s["held"][seq])
            s = {"epoch": msg["epoch"], "next": 1, "held": {}, "since": None}
            self.streams[sender] = s
        seq = msg["seq"]
        if seq < s["next"] or seq in s["held"]:
            return self.reject("duplicate", f"seq {seq}", sender)
        s["held"][seq] = (msg, at)
        if seq != s["next"] and s["since"] is None:
            s["since"] = at
        self.release(sender, s)

    def release(self, sender, s):
        while s["next"] in s["held"]:
            self.queue.append(s["held"].pop(s["next"]))
            s["next"] += 1
        if not s["held"]:
            s["since"] = None

    def give_up_gaps(self):
        t = now_ms()
        for sender, s in self.streams.items():
            if s["since"] is not None and t - s["since"] >= self.a.gap_timeout_ms:
                first = min(s["held"])
                missing = list(range(s["next"], first))
                self.write({"event": "gap", "t": t, "from": sender, "missing": missing, "epoch": s["epoch"]})
                s["next"] = first
                s["since"] = None
                self.release(sender, s)

    def problem(self, msg, hint):
        if not isinstance(msg, dict):
            return ("shape", "not a map")
        if set(msg) != set(FIELDS) or len(msg) != len(FIELDS):
            return ("shape", f"keys {sorted(map(str, msg))}")
        if msg["from"] not in self.peers:
            return ("unknown-sender", f"from {msg['from']!r}")
        if msg["from"] != hint:
            return ("sender-mismatch", f"from {msg['from']}, the transport saw {hint}")
        if count(msg["v"], 1, 1) is None:
            return ("version", f"v {msg['v']!r}")
        if msg["to"] != self.id:
            return ("wrong-recipient", f"to {msg['to']!r}")
        for field, low, high in (("epoch", 0, MAX_SAFE), ("seq", 1, MAX_SAFE), ("clock", 1, MAX_CLOCK)):
            msg[field] = count(msg[field], low, high)
            if msg[field] is None:
                return ("bad-integer", f"{field} is not an integer in {low}..{high}")
        sent_at = msg["sentAt"]
        if isinstance(sent_at, bool) or not isinstance(sent_at, (int, float)) or not math.isfinite(sent_at) or sent_at < 0:
            return ("bad-sentAt", "sentAt is not a finite number >= 0")
        vc = msg["vc"]
        if not isinstance(vc, dict):
            return ("bad-vc", "vc is not a map")
        for k, n in vc.items():
            vc[k] = count(n, 1, MAX_CLOCK)
            if not isinstance(k, str) or vc[k] is None:
                return ("bad-vc", "vc is not a map of ids to counts")
        return None

    # --- ticking ---------------------------------------------------------------------------

    def tick(self, n, due):
        self.give_up_gaps()
        self.ticks = n
        base = {"tick": n, "due": due}
        if self.queue:
            msg, arrived = self.queue.popleft()
            self.clock = max(self.clock, msg["clock"]) + 1
            for k, c in msg["vc"].items():
                self.vc[k] = max(self.vc.get(k, 0), c)
            self.vc[self.id] = self.vc.get(self.id, 0) + 1
            self.links[msg["from"]]["received"] += 1
            return self.write({
                "event": "receive", "t": now_ms(), **base, "clock": self.clock, "queue": len(self.queue),
                "vc": dict(self.vc), "from": msg["from"], "seq": msg["seq"], "msgClock": msg["clock"],
                "sentAt": msg["sentAt"], "arrivedAt": arrived, "epoch": msg["epoch"],
            })
        v = self.rng.randint(1, self.a.event_range)
        to = [self.peers[v - 1]] if v <= len(self.peers) else list(self.peers) if v == len(self.peers) + 1 else []
        self.clock += 1
        self.vc[self.id] = self.vc.get(self.id, 0) + 1
        t = now_ms()
        record = {"event": "send" if to else "internal", "t": t, **base, "clock": self.clock,
                  "queue": len(self.queue), "vc": dict(self.vc)}
        if to:
            record["to"] = to
            record["seq"] = [self.send(p, t) for p in to]
        self.write(record)

    def send(self, peer, t):
        seq = self.next_seq[peer]
        self.next_seq[peer] = seq + 1
        msg = {"v": 1, "from": self.id, "to": peer, "epoch": self.epoch, "seq": seq,
               "clock": self.clock, "vc": dict(self.vc), "sentAt": t}
        self.outbox[peer].append(msgpack.packb(msg))
        self.links[peer]["sent"] += 1
        return seq

    def flush(self):
        # Never blocks a tick: what a full or absent peer does not take now waits here.
        for peer, box in self.outbox.items():
            while box:
                try:
                    self.dealers[peer].send(box[0], zmq.NOBLOCK)
                except zmq.Again:
                    break
                box.popleft()

    def wait_until(self, deadline):
        """Takes in frames and sends what waits until the wall clock reaches `deadline` (ms)."""
        poller = zmq.Poller()
        poller.register(self.router, zmq.POLLIN)
        while self.stopping is None:
            self.flush()
            self.take_frames()
            left = deadline - now_ms()
            if left <= 0:
                return
            poller.poll(max(1, min(50, math.ceil(left))))

    def run(self):
        a = self.a
        count = math.floor(self.rate * a.duration + 1e-9)
        self.write({
            "event": "start", "t": now_ms(), "vm": self.id, "trial": a.trial, "rate": self.rate,
            "peers": self.peers, "transport": "zmq", "seed": a.seed, "eventRange": a.event_range,
            "startAt": a.start_at, "duration": a.duration, "epoch": self.epoch, "version": "python-vm",
            "pid": os.getpid(), "host": socket.gethostname(), "ticksPlanned": count,
            "gapTimeoutMs": a.gap_timeout_ms, "drainMs": a.drain_ms,
        })
        for n in range(1, count + 1):
            due = a.start_at + (n - 1) * 1000 / self.rate
            self.wait_until(due)
            if self.stopping is not None:
                break
            self.tick(n, due)
            self.flush()
        if self.stopping is None:
            # From the planned end (or now, if this VM ran late), so peers' last ticks reach it.
            self.wait_until(max(a.start_at + a.duration * 1000, now_ms()) + a.drain_ms)
        self.stop(self.stopping or "duration")

    def stop(self, reason):
        for link in self.links.values():
            link["pending"] = 0
        for msg, _ in self.queue:
            self.links[msg["from"]]["pending"] += 1
        for sender, s in self.streams.items():
            self.links[sender]["pending"] += len(s["held"])
        total = lambda k: sum(link[k] for link in self.links.values())
        self.write({
            "event": "stop", "t": now_ms(), "ticks": self.ticks, "sent": total("sent"),
            "received": total("received"), "pending": total("pending"), "rejected": self.rejected,
            "reason": reason, "links": self.links,
        })
        self.log.close()
        for d in self.dealers.values():
            d.close()
        self.router.close()
        self.ctx.term()


def main():
    p = argparse.ArgumentParser(description="A clocklab VM in Python (a foreign peer for the tests).")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--others", type=int, nargs="+", required=True)
    p.add_argument("--start-at", type=float, required=True, help="wall time of the first tick, ms")
    p.add_argument("--duration", type=float, required=True, help="seconds of ticking")
    p.add_argument("--log-dir", required=True)
    p.add_argument("--rate", type=float, help="ticks per second (default: drawn from 1..6)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--event-range", type=int, default=10)
    p.add_argument("--trial", type=int, default=1)
    p.add_argument("--drain-ms", type=float, default=500)
    p.add_argument("--gap-timeout-ms", type=float, default=2000)
    a = p.parse_args()
    if a.rate is not None and a.rate == int(a.rate):
        a.rate = int(a.rate)
    vm = Vm(a)

    def on_signal(signum, _frame):
        vm.stopping = "signal"

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    vm.run()
    sys.exit(130 if vm.stopping == "signal" else 0)


if __name__ == "__main__":
    main()
