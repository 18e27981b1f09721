import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as zmq from "zeromq";
import { SetupError } from "../../src/base/errors.js";
import { vcOf } from "../../src/clock/vector.js";
import { type Refusal, threadedTransport } from "../../src/host/io-thread.js";
import type { Transport } from "../../src/transport/transport.js";
import { REJECT_BURST } from "../../src/vm/reject-limiter.js";
import { decodeFrame, encodeMessage } from "../../src/wire/codec.js";
import type { WireMessage } from "../../src/wire/message.js";
import { freePorts } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

const HOST = "127.0.0.1";
const sockets: zmq.Socket[] = [];
const transports: Transport[] = [];
after(async () => {
  for (const s of sockets) s.close();
  for (const t of transports) await t.close(0);
});

const message = (from: string, to: string, seq: number): WireMessage => ({
  v: 1,
  from,
  to,
  epoch: 7,
  seq,
  clock: seq,
  vc: vcOf({ [from]: seq }),
  sentAt: 1,
});

/** A threaded zmq transport for VM `self` with one peer, recording what it hands over. */
async function started(self: number, peer: number) {
  const frames: Uint8Array[] = [];
  const refused: Refusal[] = [];
  const faults: string[] = [];
  const transport = threadedTransport(
    "zmq",
    {
      self: { id: String(self), host: HOST, port: self },
      peers: [{ id: String(peer), host: HOST, port: peer }],
    },
    (reason, detail, from, count) => refused.push({ reason, detail, from, count }),
  );
  await transport.start({ frame: (f) => frames.push(f), fault: (d) => faults.push(d) });
  transports.push(transport);
  return { transport, frames, refused, faults };
}

describe("the I/O thread (threadedTransport)", () => {
  it("hands over only valid messages, and every refusal counted: the first of a key one by one", async () => {
    const [self, peer] = (await freePorts(2)) as [number, number];
    const { frames, refused } = await started(self, peer);
    const dealer = new zmq.Dealer({ routingId: `${peer}/test`, linger: 0 });
    sockets.push(dealer);
    dealer.connect(`tcp://${HOST}:${self}`);
    const bad = 60;
    const valid = [1, 2, 3].map((seq) => message(String(peer), String(self), seq));
    await dealer.send(encodeMessage(valid[0] as WireMessage));
    for (let i = 0; i < bad; i++) await dealer.send(Buffer.from([0xc1, i])); // 0xc1: never used in msgpack
    for (const msg of valid.slice(1)) await dealer.send(encodeMessage(msg));
    // From the peer's connection, a message from a VM that is no peer: refused as unknown-sender.
    await dealer.send(encodeMessage(message("9999", String(self), 1)));
    const total = () => refused.reduce((s, r) => s + r.count, 0);
    await until("every frame accounted for", () => frames.length === 3 && total() === bad + 1, 10_000, 10);

    assert.deepEqual(
      frames.map((f) => {
        const r = decodeFrame(f, {
          self: String(self),
          peers: new Set([String(peer)]),
          senderHint: String(peer),
        });
        return r.ok ? r.msg.seq : r.reason;
      }),
      [1, 2, 3],
      "the valid messages, in the order sent",
    );
    const decode = refused.filter((r) => r.reason === "decode");
    assert.equal(
      decode.reduce((s, r) => s + r.count, 0),
      bad,
    );
    assert.deepEqual(
      decode.slice(0, REJECT_BURST).map((r) => r.count),
      Array(REJECT_BURST).fill(1),
      "a key's first refusals come one by one, for the log to hold them in full",
    );
    assert.ok(decode.length < bad, `${decode.length} hand-overs for ${bad} refusals: none counted together`);
    assert.deepEqual(
      refused.filter((r) => r.reason !== "decode").map((r) => [r.reason, r.count]),
      [["unknown-sender", 1]],
    );
  });

  for (const name of ["zmq", "tcp", "http", "udp"]) {
    it(`${name}: a message and a bad frame from one threaded VM to another, one handed over and one refused`, async () => {
      const [pa, pb] = (await freePorts(2)) as [number, number];
      const [a, b] = [pa, pb].map((port) => ({ id: String(port), host: HOST, port })) as [
        { id: string; host: string; port: number },
        { id: string; host: string; port: number },
      ];
      const frames: Uint8Array[] = [];
      const refused: Refusal[] = [];
      const sender = threadedTransport(name, { self: a, peers: [b] }, () => {});
      const receiver = threadedTransport(name, { self: b, peers: [a] }, (reason, detail, from, count) =>
        refused.push({ reason, detail, from, count }),
      );
      transports.push(sender, receiver);
      await receiver.start({ frame: (f) => frames.push(f), fault: () => {} });
      await sender.start({ frame: () => {}, fault: () => {} });
      const msg = message(a.id, b.id, 1);
      sender.send(b.id, encodeMessage(msg));
      const bad = Buffer.from([0xc1]);
      sender.send(b.id, bad);
      await until(
        `${name}: both frames accounted for`,
        () => frames.length + refused.length === 2,
        10_000,
        10,
      );
      const got = decodeFrame(frames[0] as Uint8Array, {
        self: b.id,
        peers: new Set([a.id]),
        senderHint: a.id,
      });
      assert.ok(got.ok);
      assert.equal(got.msg.seq, 1);
      // The verdict the VM's own decoder gives the bytes, on the main thread.
      const verdict = decodeFrame(bad, { self: b.id, peers: new Set([a.id]), senderHint: a.id });
      assert.ok(!verdict.ok);
      assert.deepEqual(
        refused.map((r) => [r.reason, r.count]),
        [[verdict.reason, 1]],
      );
    });
  }

  it("sends through the thread, and reports on close what it could not send", async () => {
    const [self, peer] = (await freePorts(2)) as [number, number];
    const router = new zmq.Router({ linger: 0 });
    sockets.push(router);
    await router.bind(`tcp://${HOST}:${peer}`);
    const { transport } = await started(self, peer);
    const frame = encodeMessage(message(String(self), String(peer), 1));
    // A Buffer from Node's pool: what crosses must be its bytes alone, and the pool untouched.
    const pooled = Buffer.concat([Buffer.from([1, 2, 3]), frame]).subarray(3);
    transport.send(String(peer), pooled);
    const [id, payload] = await router.receive();
    assert.match(String(id), new RegExp(`^${self}/`));
    assert.deepEqual(Buffer.from(payload as Buffer), Buffer.from(frame));
    assert.deepEqual(Buffer.from(pooled), Buffer.from(frame), "the sender's buffer is still whole");
    assert.equal(await transport.close(100), 0);
  });

  it("says a taken port as the transport itself does: a SetupError naming the field", async () => {
    const [self, peer] = (await freePorts(2)) as [number, number];
    const holder = new zmq.Router({ linger: 0 });
    sockets.push(holder);
    await holder.bind(`tcp://${HOST}:${self}`);
    await assert.rejects(
      started(self, peer),
      (err: unknown) =>
        err instanceof SetupError &&
        err.exitCode === 2 &&
        err.fault?.field === "port" &&
        /in use/.test(err.message),
    );
  });
});
