import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { vcOf } from "../../src/clock/vector.js";
import type {
  PeerAddress,
  Transport,
  TransportFactory,
  TransportOptions,
} from "../../src/transport/transport.js";
import { decodeFrame, encodeMessage } from "../../src/wire/codec.js";
import { ReorderBuffer } from "../../src/wire/reorder.js";
import { freePorts } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

/** Builds a fresh set of addresses and a factory for one test (fresh ports, fresh network). */
export type Setup = (count: number) => Promise<{ addresses: PeerAddress[]; factory: TransportFactory }>;

export interface Received {
  frame: Uint8Array;
  hint: string | undefined;
}

/** Setup for a transport on real sockets: fresh free ports on 127.0.0.1, a short linger. */
export function onLoopback(create: (options: TransportOptions & { linger: number }) => Transport): Setup {
  return async (count) => {
    const ports = await freePorts(count);
    return {
      addresses: ports.map((port) => ({ id: String(port), host: "127.0.0.1", port })),
      factory: (options) => create({ ...options, linger: 100 }),
    };
  };
}

const frameOf = (n: number) => Uint8Array.from(Buffer.from(`frame-${n}`));

/** Message n (seq n) from `from` to `to`, encoded as a VM would send it. */
export const messageOf = (from: string, to: string, seq: number, epoch = 1) =>
  encodeMessage({ v: 1, from, to, epoch, seq, clock: seq, vc: vcOf({ [from]: seq }), sentAt: seq });

/**
 * The seqs a receiving VM would queue, in order: each frame decoded and passed through the
 * per-sender reorder buffer (transports may reorder; the buffer must make it whole again).
 */
function reordered(received: Received[], self: string, from: string): number[] {
  const buffer = new ReorderBuffer({ gapTimeoutMs: Number.POSITIVE_INFINITY });
  const out: number[] = [];
  for (const r of received) {
    const v = decodeFrame(r.frame, { self, peers: new Set([from]), senderHint: r.hint });
    assert.ok(v.ok, `a frame did not decode: ${v.ok ? "" : v.detail}`);
    for (const o of buffer.push(v.msg, 0)) {
      assert.equal(o.kind, "deliver", `unexpected ${o.kind}`);
      if (o.kind === "deliver") out.push(o.msg.seq);
    }
  }
  assert.equal(buffer.heldBySender().size, 0, "messages still held: a seq never arrived");
  return out;
}

/** Sends each of `datagrams` to `to` from a socket of its own, then closes it. */
async function sendDatagrams(to: PeerAddress, datagrams: readonly Uint8Array[]): Promise<void> {
  const socket = createSocket(to.host.includes(":") ? "udp6" : "udp4");
  for (const d of datagrams) {
    await new Promise<void>((resolve, reject) =>
      socket.send(d, to.port, to.host, (err) => (err ? reject(err) : resolve())),
    );
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

/** What kind of bus a transport is, for the properties only some kinds can have. */
export interface TransportKind {
  /** It listens on a real port (not in-process). */
  network: boolean;
  /**
   * One datagram per frame, nothing acknowledged or sent again (udp): a frame can be lost, and
   * one sent to a peer not yet up is gone. The properties that need a reliable bus are skipped;
   * what a datagram bus must do instead (lose only as gaps) is tested in udp.test.ts.
   */
  datagram?: boolean;
}

/** Why a reliable bus's property is skipped for a datagram bus. */
const UNRELIABLE = (why: string): string => `a datagram bus ${why}: nothing is acknowledged or sent again`;

/**
 * The behaviour every transport must have, run once per implementation. Each test bounds its
 * waits and closes every transport it opened.
 */
export function transportConformance(name: string, setup: Setup, kind: TransportKind): void {
  const datagram = kind.datagram === true;
  describe(`transport conformance: ${name}`, { timeout: 60_000 }, () => {
    const open = new Set<Transport>();
    after(async () => {
      await Promise.all([...open].map((t) => t.close(0)));
    });

    async function node(factory: TransportFactory, addresses: PeerAddress[], i: number) {
      const self = addresses[i] as PeerAddress;
      const transport = factory({ self, peers: addresses.filter((_, j) => j !== i) });
      const received: Received[] = [];
      const faults: string[] = [];
      open.add(transport);
      return {
        transport,
        received,
        faults,
        start: () =>
          transport.start({
            frame: (frame, hint) => received.push({ frame, hint }),
            fault: (d) => faults.push(d),
          }),
        close: async () => {
          open.delete(transport);
          return transport.close();
        },
      };
    }

    /** Two transports on fresh addresses, both started. */
    async function startedPair() {
      const { addresses, factory } = await setup(2);
      const a = await node(factory, addresses, 0);
      const b = await node(factory, addresses, 1);
      await a.start();
      await b.start();
      return { addresses, a, b };
    }

    it("delivers frames byte for byte, naming the sender where it knows it", async () => {
      const { addresses, a, b } = await startedPair();
      a.transport.send(addresses[1]?.id as string, frameOf(1));
      await until("one frame", () => b.received.length === 1);
      assert.deepEqual(Buffer.from(b.received[0]?.frame ?? []), Buffer.from(frameOf(1)));
      const hint = b.received[0]?.hint;
      assert.ok(hint === undefined || hint === addresses[0]?.id, `hint ${hint}`);
      await a.close();
      await b.close();
    });

    it("keeps a burst of 10,000 messages per link complete and, after reordering, in order", {
      skip: datagram ? UNRELIABLE("loses what overflows the receiver's buffer") : false,
    }, async () => {
      const { addresses, a, b } = await startedPair();
      const [ida, idb] = [addresses[0]?.id as string, addresses[1]?.id as string];
      for (let n = 1; n <= 10_000; n++) a.transport.send(idb, messageOf(ida, idb, n));
      await until("10,000 frames", () => b.received.length >= 10_000, 30_000);
      assert.equal(b.received.length, 10_000);
      assert.deepEqual(
        reordered(b.received, idb, ida),
        Array.from({ length: 10_000 }, (_, i) => i + 1),
      );
      await a.close();
      await b.close();
    });

    it("delivers messages sent before the peer was up once it comes up", {
      skip: datagram ? UNRELIABLE("keeps nothing for a peer that is not up") : false,
    }, async () => {
      const { addresses, factory } = await setup(2);
      const [ida, idb] = [addresses[0]?.id as string, addresses[1]?.id as string];
      const a = await node(factory, addresses, 0);
      await a.start();
      for (let n = 1; n <= 5; n++) a.transport.send(idb, messageOf(ida, idb, n));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const b = await node(factory, addresses, 1);
      await b.start();
      await until("5 early messages", () => b.received.length === 5);
      assert.deepEqual(reordered(b.received, idb, ida), [1, 2, 3, 4, 5]);
      await a.close();
      await b.close();
    });

    it("takes a restarted sender's new epoch: its sequence starts again at 1", async () => {
      const { addresses, factory } = await setup(2);
      const [ida, idb] = [addresses[0]?.id as string, addresses[1]?.id as string];
      const b = await node(factory, addresses, 1);
      await b.start();
      const first = await node(factory, addresses, 0);
      await first.start();
      for (let n = 1; n <= 5; n++) first.transport.send(idb, messageOf(ida, idb, n, 1));
      await until("the first incarnation's 5 messages", () => b.received.length === 5);
      await first.close();
      const second = await node(factory, addresses, 0);
      await second.start();
      for (let n = 1; n <= 3; n++) second.transport.send(idb, messageOf(ida, idb, n, 2));
      await until("the second incarnation's 3 messages", () => b.received.length === 8);
      assert.deepEqual(reordered(b.received, idb, ida), [1, 2, 3, 4, 5, 1, 2, 3]);
      await second.close();
      await b.close();
    });

    it("lets no garbage through: raw bytes on the port are faults or frames that do not decode", {
      skip: kind.network ? false : "no port: the transport is in-process",
    }, async () => {
      const { addresses, factory } = await setup(1);
      const self = addresses[0] as PeerAddress;
      const b = await node(factory, addresses, 0);
      await b.start();
      const garbage = [
        Buffer.from("GET /x HTTP/1.1\r\nHost: a\r\n\r\n"),
        Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0]),
        Buffer.from([0, 0, 0, 5, 0xc1, 0xc1, 0xc1, 0xc1, 0xc1]),
        Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 256)),
      ];
      if (datagram) await sendDatagrams(self, garbage);
      for (const bytes of datagram ? [] : garbage) {
        await new Promise<void>((resolve) => {
          const socket = connect(self.port, self.host, () => {
            socket.write(bytes);
            setTimeout(() => socket.destroy(), 100);
          });
          socket.on("error", () => resolve());
          socket.on("close", () => resolve());
        });
      }
      await until("the garbage to be noticed", () => b.faults.length + b.received.length > 0);
      for (const r of b.received) {
        const v = decodeFrame(r.frame, {
          self: self.id,
          peers: new Set(["5001", "5002"]),
          senderHint: r.hint,
        });
        assert.equal(v.ok, false, "garbage decoded as a message");
      }
      await b.close();
    });

    it("closes so that the process exits by itself", {
      skip: kind.network ? false : "nothing to close outside this process",
    }, async () => {
      const { addresses } = await setup(2);
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          fileURLToPath(new URL("close-child.ts", import.meta.url)),
          name,
          ...addresses.map((a) => String(a.port)),
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      // A hang is the failure this test exists for: kill it after a bound and say so.
      const limit = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
        child.once("exit", (c, s) => resolve([c, s])),
      );
      clearTimeout(limit);
      assert.equal(signal, null, `the process did not exit on its own: ${out}`);
      assert.equal(code, 0, out);
      assert.match(out, /closed after 200 frames/);
    });

    it("refuses to start on an address already taken by another VM", async () => {
      const { addresses, factory } = await setup(2);
      const a = await node(factory, addresses, 0);
      await a.start();
      const twin = await node(factory, addresses, 0);
      await assert.rejects(twin.start(), /already in use/);
      open.delete(twin.transport);
      await a.close();
    });

    it("closes promptly even when a peer never came up, and frees its address", async () => {
      const { addresses, factory } = await setup(2);
      const a = await node(factory, addresses, 0);
      await a.start();
      a.transport.send(addresses[1]?.id as string, frameOf(1));
      await a.close();
      const again = await node(factory, addresses, 0);
      await again.start();
      await again.close();
    });
  });
}
