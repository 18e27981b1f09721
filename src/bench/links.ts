import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import * as zmq from "zeromq";
import { summarize } from "../analysis/series.js";
import { moduleEntry } from "../base/entry.js";
import { vcOf } from "../clock/vector.js";
import { freePortBlock } from "../run/ports.js";
import { FrameReader, lengthPrefixed } from "../transport/framing.js";
import { defaultRegistry } from "../transport/registry.js";
import type { Transport } from "../transport/transport.js";
import { wallNow } from "../vm/time.js";
import { encodeMessage } from "../wire/codec.js";
import { FrameDecoder } from "../wire/fast/decode.js";
import type { WireMessage } from "../wire/message.js";

/** What a link benchmark measures: one of our transports, or a bare library (a floor). */
export type LinkKind = "zmq" | "tcp" | "http" | "zmq-bare" | "net-bare";

export interface Latency {
  /** One-way delivery latency, half of each round trip, in microseconds. */
  p50Us: number;
  p99Us: number;
  rounds: number;
}

export interface Throughput {
  messagesPerS: number;
  count: number;
}

const PEER = moduleEntry("./peer.js", import.meta.url);

/** A measurement that makes no progress for this long is reported as stalled, not waited on. */
const STALL_MS = 60_000;

/** `promise`, or an error after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Two free ports on 127.0.0.1 (below the ephemeral range, so no outgoing connection takes one). */
async function twoPorts(): Promise<[number, number]> {
  const base = await freePortBlock(2);
  return [base, base + 1];
}

/** The message every link benchmark carries: the size of a 3-VM run's messages. */
function message(from: string, to: string, seq: number): WireMessage {
  return {
    v: 1,
    from,
    to,
    epoch: 1,
    seq,
    clock: seq,
    vc: vcOf({ [from]: seq, "5002": 7, "5003": 9 }),
    sentAt: wallNow(),
  };
}

interface Far {
  child: ChildProcess;
  /** Wall times of the first and the last message a sink took in. */
  first: Promise<number>;
  done: Promise<number>;
}

async function startPeer(role: "echo" | "sink", kind: LinkKind, port: number, driver: number, count = 0) {
  const child = fork(PEER.path, [role, kind, String(port), String(driver), String(count)], {
    stdio: "ignore",
    execArgv: PEER.execArgv,
  });
  let resolveDone: (t: number) => void = () => {};
  let resolveFirst: (t: number) => void = () => {};
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const first = new Promise<number>((resolve) => (resolveFirst = resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (m: { ready?: boolean; first?: number; done?: number }) => {
      if (m.ready) resolve();
      if (m.first !== undefined) resolveFirst(m.first);
      if (m.done !== undefined) resolveDone(m.done);
    });
    child.once("exit", (code) => reject(new Error(`bench peer ${kind} exited with ${code}`)));
  });
  await ready;
  return { child, first, done } satisfies Far;
}

/** The driver's end: send one frame, and a way to wait for frames coming back. */
interface Near {
  send(frame: Uint8Array): Promise<void> | void;
  /** Resolves on the next frame back. */
  next(): Promise<void>;
  close(): Promise<void>;
}

async function nearEnd(kind: LinkKind, self: number, far: number): Promise<Near> {
  let waiting: (() => void) | undefined;
  const arrived = () => {
    const w = waiting;
    waiting = undefined;
    w?.();
  };
  const next = () => new Promise<void>((resolve) => (waiting = resolve));
  if (kind === "zmq-bare") {
    const dealer = new zmq.Dealer({ linger: 0 });
    dealer.connect(`tcp://127.0.0.1:${far}`);
    // Receive only once something is expected back: with a receive pending, zeromq.js 6 now and
    // then never resumes a send that had to wait (seen here: a flood stuck after 6,500 messages,
    // 1 run in 4). A flood expects nothing back, so it never starts the loop.
    let receiving = false;
    const receive = () => {
      if (receiving) return;
      receiving = true;
      void (async () => {
        try {
          for await (const _ of dealer) arrived();
        } catch {
          // closed
        }
      })();
    };
    return {
      send: (f) => dealer.send(f),
      next: () => {
        receive();
        return next();
      },
      close: async () => dealer.close(),
    };
  }
  if (kind === "net-bare") {
    const socket = connect({ host: "127.0.0.1", port: far });
    socket.setNoDelay(true);
    await once(socket, "connect");
    const reader = new FrameReader(arrived);
    socket.on("data", (chunk: Buffer) => reader.push(chunk));
    return {
      send: (f) =>
        // Respect backpressure, as a real sender must, or a flood only measures memory.
        socket.write(lengthPrefixed(f)) ? undefined : once(socket, "drain").then(() => {}),
      next,
      close: async () => void socket.destroy(),
    };
  }
  const factory = defaultRegistry().get(kind);
  if (factory === undefined) throw new Error(`unknown transport ${kind}`);
  const me = { id: String(self), host: "127.0.0.1", port: self };
  const peer = { id: String(far), host: "127.0.0.1", port: far };
  const transport: Transport = factory({ self: me, peers: [peer] });
  const decoder = new FrameDecoder();
  const peers = new Set([peer.id]);
  await transport.start({
    frame(frame, hint) {
      if (decoder.decode(frame, { self: me.id, peers, senderHint: hint }).ok) arrived();
    },
    fault() {},
  });
  return {
    send: (f) => transport.send(peer.id, f),
    next,
    close: async () => void (await transport.close(0)),
  };
}

/** A ping-pong link, open: one message in flight at a time, each echoed by the far end. */
interface PingLink {
  kind: LinkKind;
  /** One round trip; returns half of it (one delivery), in microseconds. */
  round(i: number): Promise<number>;
  close(): Promise<void>;
}

async function openPingLink(kind: LinkKind): Promise<PingLink> {
  const [self, far] = await twoPorts();
  const peer = await startPeer("echo", kind, far, self);
  let near: Near;
  try {
    near = await nearEnd(kind, self, far);
  } catch (err) {
    peer.child.kill();
    throw err;
  }
  return {
    kind,
    async round(i) {
      const frame = encodeMessage(message(String(self), String(far), i + 1));
      const back = near.next();
      const t0 = performance.now();
      await within(
        Promise.all([near.send(frame), back]),
        STALL_MS,
        `${kind}: round trip ${i + 1} did not come back`,
      );
      return ((performance.now() - t0) / 2) * 1000;
    },
    async close() {
      await near.close();
      peer.child.kill();
    },
  };
}

/**
 * One-way latency by ping-pong, half of each round trip, for several links at once: their
 * rounds take turns (one of each, then again), so a floor and the transports it bounds see
 * the same moments of a shared machine and their ratio is not a matter of when each ran. Our
 * transports go through the VM's own path on both ends (encode, transport, decode, validate);
 * the floors send the same bytes with the bare library. A link that fails is reported in
 * `errors` and left out; the others go on.
 */
export async function measureLatencies(
  kinds: readonly LinkKind[],
  rounds: number,
  warmup = 300,
): Promise<{ latency: Partial<Record<LinkKind, Latency>>; errors: string[] }> {
  const errors: string[] = [];
  const links: PingLink[] = [];
  for (const kind of kinds) {
    try {
      links.push(await openPingLink(kind));
    } catch (err) {
      errors.push(`latency ${kind}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const halves = new Map(links.map((l) => [l.kind, new Float64Array(rounds)]));
  let live = [...links];
  try {
    for (let i = 0; i < warmup + rounds; i++) {
      for (const link of live) {
        try {
          const half = await link.round(i);
          if (i >= warmup) (halves.get(link.kind) as Float64Array)[i - warmup] = half;
        } catch (err) {
          errors.push(`latency ${link.kind}: ${err instanceof Error ? err.message : String(err)}`);
          live = live.filter((l) => l !== link);
          halves.delete(link.kind);
        }
      }
    }
  } finally {
    for (const link of links) await link.close();
  }
  const latency: Partial<Record<LinkKind, Latency>> = {};
  for (const [kind, values] of halves) {
    const s = summarize(values);
    latency[kind] = { p50Us: s.p50, p99Us: s.p99, rounds };
  }
  return { latency, errors };
}

/**
 * Messages per second over one link, the sender sending as fast as the link takes them, from
 * the first message's arrival to the last one's.
 */
export async function measureThroughput(kind: LinkKind, count: number): Promise<Throughput> {
  const [self, far] = await twoPorts();
  const peer = await startPeer("sink", kind, far, self, count);
  const near = await nearEnd(kind, self, far);
  try {
    const frames = Array.from({ length: count }, (_, i) =>
      encodeMessage(message(String(self), String(far), i + 1)),
    );
    const sending = (async () => {
      for (const frame of frames) await near.send(frame);
    })();
    // The first message also waits for the connection: count from its arrival on.
    const [firstAt, doneAt] = await within(
      Promise.all([peer.first, peer.done, sending]),
      STALL_MS,
      `${kind}: a flood of ${count} messages did not complete`,
    );
    return { messagesPerS: (count - 1) / ((doneAt - firstAt) / 1000), count };
  } finally {
    await near.close();
    peer.child.kill();
  }
}
