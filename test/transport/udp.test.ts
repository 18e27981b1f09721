import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { after, describe, it } from "node:test";
import { AddressError } from "../../src/transport/address.js";
import type { PeerAddress, Transport } from "../../src/transport/transport.js";
import { createUdpTransport, MAX_DATAGRAM, type UdpTransportOptions } from "../../src/transport/udp.js";
import { decodeFrame } from "../../src/wire/codec.js";
import { ReorderBuffer, type ReorderOutput } from "../../src/wire/reorder.js";
import { freePorts } from "../helpers/processes.js";
import { until } from "../helpers/until.js";
import { messageOf, onLoopback, type Received, transportConformance } from "./conformance.js";

transportConformance("udp", onLoopback(createUdpTransport), { network: true, datagram: true });

/**
 * What a receiving VM makes of a lossy link: the seqs it delivers and those it gives up on as
 * gaps, each frame decoded and passed through the reorder buffer, every gap given up at the end.
 */
function withGaps(received: Received[], self: string, from: string): { delivered: number[]; gaps: number[] } {
  // A timeout of 0: one poll gives up every gap still open, however many.
  const buffer = new ReorderBuffer({ gapTimeoutMs: 0 });
  const delivered: number[] = [];
  const gaps: number[] = [];
  const take = (outputs: readonly ReorderOutput[]): void => {
    for (const o of outputs) {
      if (o.kind === "deliver") delivered.push(o.msg.seq);
      else if (o.kind === "gap") gaps.push(...o.missing);
      else assert.fail(`unexpected ${o.kind}`);
    }
  };
  for (const r of received) {
    const v = decodeFrame(r.frame, { self, peers: new Set([from]), senderHint: r.hint });
    assert.ok(v.ok, `a frame did not decode: ${v.ok ? "" : v.detail}`);
    take(buffer.push(v.msg, 0));
  }
  take(buffer.poll(0));
  return { delivered, gaps };
}

/**
 * Waits until `count()` reaches `all` or stops growing for 300 ms: on a lossy bus nothing says
 * that the last frame will never come. Bounded by `limitMs`.
 */
async function quiet(count: () => number, all: number, limitMs = 30_000): Promise<void> {
  let seen = -1;
  let since = Date.now();
  await until(
    () => `${all} frames or a quiet 300 ms (${count()} arrived)`,
    () => {
      const now = count();
      if (now !== seen) [seen, since] = [now, Date.now()];
      return now >= all || Date.now() - since >= 300;
    },
    limitMs,
  );
}

describe("udp transport", { timeout: 30_000 }, () => {
  const open = new Set<Transport>();
  after(async () => {
    await Promise.all([...open].map((t) => t.close(0)));
  });

  /** A started transport on `self` that records what it receives and its faults. */
  async function started(self: PeerAddress, peers: PeerAddress[], extra: Partial<UdpTransportOptions> = {}) {
    const transport = createUdpTransport({ self, peers, linger: 100, ...extra });
    const received: Received[] = [];
    const faults: string[] = [];
    open.add(transport);
    await transport.start({
      frame: (frame, hint) => received.push({ frame, hint }),
      fault: (d) => faults.push(d),
    });
    return { transport, received, faults };
  }

  async function addresses(count: number): Promise<PeerAddress[]> {
    return (await freePorts(count)).map((port) => ({ id: String(port), host: "127.0.0.1", port }));
  }

  it("carries a frame of 65,507 bytes (IPv4's 65,535 less 20 + 8 header bytes) and refuses one more", async () => {
    const [a, b] = (await addresses(2)) as [PeerAddress, PeerAddress];
    const ta = await started(a, [b]);
    const tb = await started(b, [a]);
    assert.equal(MAX_DATAGRAM, 65_535 - 20 - 8);
    const largest = Uint8Array.from({ length: 65_507 }, (_, i) => i % 251);
    ta.transport.send(b.id, largest);
    await until("the largest datagram", () => tb.received.length === 1);
    assert.deepEqual(Buffer.from(tb.received[0]?.frame ?? []), Buffer.from(largest));
    assert.throws(
      () => ta.transport.send(b.id, new Uint8Array(65_508)),
      /a frame of 65508 bytes to \d+ is over the 65507 bytes one datagram carries/,
    );
    assert.throws(() => ta.transport.send("1", Uint8Array.of(1)), /no connection to peer 1/);
    await ta.transport.close();
    await tb.transport.close();
  });

  it("names as sender the port a datagram came from, so a message from elsewhere does not pass as a peer's", async () => {
    const [a, b] = (await addresses(2)) as [PeerAddress, PeerAddress];
    const tb = await started(b, [a]);
    const stranger = createSocket("udp4");
    await new Promise<void>((resolve) => stranger.bind(0, "127.0.0.1", () => resolve()));
    const port = stranger.address().port;
    await new Promise<void>((resolve, reject) =>
      stranger.send(messageOf(a.id, b.id, 1), b.port, b.host, (err) => (err ? reject(err) : resolve())),
    );
    await new Promise<void>((resolve) => stranger.close(() => resolve()));
    await until("the stranger's datagram", () => tb.received.length === 1);
    const got = tb.received[0] as Received;
    assert.equal(got.hint, String(port));
    const v = decodeFrame(got.frame, { self: b.id, peers: new Set([a.id]), senderHint: got.hint });
    assert.equal(v.ok ? "ok" : v.reason, "sender-mismatch");
    await tb.transport.close();
  });

  it("loses a burst's messages only as gaps: each arrives whole and once, the rest in order", async () => {
    const [a, b] = (await addresses(2)) as [PeerAddress, PeerAddress];
    const ta = await started(a, [b]);
    const tb = await started(b, [a]);
    for (let n = 1; n <= 10_000; n++) ta.transport.send(b.id, messageOf(a.id, b.id, n));
    await quiet(() => tb.received.length, 10_000);
    const { delivered, gaps } = withGaps(tb.received, b.id, a.id);
    assert.ok(tb.received.length > 0, "nothing arrived");
    assert.equal(delivered.length, tb.received.length, "a message arrived but was not delivered");
    const last = delivered.at(-1) ?? 0;
    assert.deepEqual(
      [...delivered, ...gaps].sort((x, y) => x - y),
      Array.from({ length: last }, (_, i) => i + 1),
      "every seq up to the last delivered is delivered or a gap, once",
    );
    assert.deepEqual(
      delivered,
      [...delivered].sort((x, y) => x - y),
    );
    await ta.transport.close();
    await tb.transport.close();
  });

  it("keeps nothing for a peer that is not up: what it is sent then is a gap once it is", async () => {
    const [a, b] = (await addresses(2)) as [PeerAddress, PeerAddress];
    const ta = await started(a, [b]);
    for (let n = 1; n <= 5; n++) ta.transport.send(b.id, messageOf(a.id, b.id, n));
    // The 5 datagrams leave at once (nothing waits for a peer); the wait lets a queue, were
    // there one, hold them past the peer's start.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const tb = await started(b, [a]);
    for (let n = 6; n <= 8; n++) ta.transport.send(b.id, messageOf(a.id, b.id, n));
    await until("the 3 messages sent once the peer was up", () => tb.received.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(withGaps(tb.received, b.id, a.id), { delivered: [6, 7, 8], gaps: [1, 2, 3, 4, 5] });
    await ta.transport.close();
    await tb.transport.close();
  });

  it("loses what overflows the receiver's buffer; the next message that arrives shows it as a gap", async () => {
    const [a, b] = (await addresses(2)) as [PeerAddress, PeerAddress];
    const ta = await started(a, [b]);
    // The kernel doubles what is asked and keeps a floor; a few hundred small datagrams fill it.
    const tb = await started(b, [a], { receiveBufferBytes: 16 * 1024 });
    // Sent in one go: the receiver, on this same event loop, reads none of them meanwhile.
    for (let n = 1; n <= 2000; n++) ta.transport.send(b.id, messageOf(a.id, b.id, n));
    await quiet(() => tb.received.length, 2000);
    const burst = tb.received.length;
    assert.ok(burst > 0 && burst < 2000, `${burst} of a 2000-message burst arrived`);
    for (let n = 2001; n <= 2003; n++) ta.transport.send(b.id, messageOf(a.id, b.id, n));
    await until("3 messages after the burst", () => tb.received.length === burst + 3);
    const { delivered, gaps } = withGaps(tb.received, b.id, a.id);
    assert.deepEqual(delivered.slice(-3), [2001, 2002, 2003]);
    assert.equal(delivered.length + gaps.length, 2003);
    assert.equal(gaps.length, 2003 - burst - 3);
    assert.deepEqual(ta.faults, []);
    await ta.transport.close();
    await tb.transport.close();
  });

  it("refuses a port in use, by a VM or anything else, in one line naming the field port", async () => {
    const [a, b] = (await addresses(2)) as [PeerAddress, PeerAddress];
    const other = createSocket("udp4");
    await new Promise<void>((resolve) => other.bind(a.port, "127.0.0.1", () => resolve()));
    const transport = createUdpTransport({ self: a, peers: [b] });
    await assert.rejects(transport.start({ frame: () => {}, fault: () => {} }), (err: Error) => {
      assert.equal(err.message, `port: ${a.port} is already in use`);
      assert.equal((err as { fault?: { field: string } }).fault?.field, "port");
      return true;
    });
    await new Promise<void>((resolve) => other.close(() => resolve()));
    assert.equal(await transport.close(), 0);
  });

  it("refuses a host that is not this machine's as an error of the field host", async () => {
    const [a, b] = (await addresses(2)) as [PeerAddress, PeerAddress];
    const transport = createUdpTransport({ self: { ...a, host: "192.0.2.1" }, peers: [b] });
    await assert.rejects(transport.start({ frame: () => {}, fault: () => {} }), (err: Error) => {
      assert.ok(err instanceof AddressError, String(err));
      assert.equal(err.field, "host");
      assert.match(err.message, /^host: cannot listen on 192\.0\.2\.1: not an address of this machine/);
      return true;
    });
  });
});
