import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as zmq from "zeromq";
import { summarize } from "../../src/analysis/series.js";
import { vcOf } from "../../src/clock/vector.js";
import type { LogRecord, StopRecord, TickRecord } from "../../src/log/schema.js";
import { lengthPrefixed } from "../../src/transport/framing.js";
import { MESSAGE_PATH } from "../../src/transport/http.js";
import { encodeMessage } from "../../src/wire/codec.js";
import { MAX_FRAME_BYTES } from "../../src/wire/message.js";
import { BadFrames } from "../helpers/fuzz.js";
import { freePorts, killAll, startCli } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-fuzz-"));
const open: Socket[] = [];
after(() => {
  for (const s of open) s.destroy();
  killAll();
  if (process.env.CLOCKLAB_KEEP === undefined) rmSync(root, { recursive: true, force: true });
});

const MB = 1024 * 1024;

function readRecords(dir: string): LogRecord[] {
  if (!existsSync(dir)) return [];
  const name = readdirSync(dir).find((f) => f.endsWith(".jsonl"));
  if (name === undefined) return [];
  return readFileSync(join(dir, name), "utf8")
    .split("\n")
    .filter((l) => l.endsWith("}"))
    .map((l) => JSON.parse(l) as LogRecord);
}

/** The rejects a log accounts for: each `reject` record stands for `count` of them (1 if absent). */
function rejectsCounted(records: readonly LogRecord[]): number {
  return records.reduce((s, r) => s + (r.event === "reject" ? (r.count ?? 1) : 0), 0);
}

/** A raw TCP connection to the VM's port, kept for `after` to destroy if the test does not. */
function raw(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.on("error", reject);
    open.push(socket);
  });
}

/** Writes and waits until the bytes are handed to the kernel. */
function write(socket: Socket, bytes: Uint8Array | string): Promise<void> {
  return new Promise((resolve) => socket.write(bytes, () => resolve()));
}

/** Each attack sends bad input to a VM on `port` whose only peer is `peer`; returns frames sent. */
type Attack = (port: number, peer: string, self: string) => Promise<number>;

const attacks: Record<string, Attack> = {
  async zmq(port, peer, self) {
    const bad = new BadFrames(1, self, peer);
    // The routing id names the configured peer, so frames get past the sender check to the rest.
    const dealer = new zmq.Dealer({ routingId: `${peer}/fuzz`, linger: 1000 });
    dealer.connect(`tcp://127.0.0.1:${port}`);
    let sent = 0;
    for (let i = 0; i < 40_000; i++, sent++) await dealer.send(bad.next());
    for (let i = 0; i < 200; i++, sent++) await dealer.send([bad.next(), bad.next()]);
    for (let i = 1; i <= 10; i++, sent++) await dealer.send(bad.oversized(i * MB));
    dealer.close();
    return sent;
  },

  async tcp(port, peer, self) {
    const bad = new BadFrames(2, self, peer);
    let sent = 0;
    const stream = await raw(port);
    for (let batch = 0; batch < 40; batch++) {
      const frames = Array.from({ length: 1000 }, () => lengthPrefixed(bad.next()));
      await write(stream, Buffer.concat(frames));
      sent += frames.length;
    }
    stream.end();
    // A length over the stream limit (10 MB announced): the connection is dropped, counted once.
    for (let i = 0; i < 5; i++, sent++) {
      const s = await raw(port);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(10 * MB);
      await write(s, Buffer.concat([head, Buffer.alloc(1000)]));
    }
    // Frames that stop halfway and never finish, on connections left open; and a cut prefix.
    for (let i = 0; i < 10; i++, sent++) {
      const s = await raw(port);
      await write(s, lengthPrefixed(bad.next()).subarray(0, i % 2 === 0 ? 2 : 30));
    }
    // A frame cut off by the sender closing.
    for (let i = 0; i < 5; i++, sent++) {
      const s = await raw(port);
      await write(s, lengthPrefixed(new Uint8Array(100)).subarray(0, 50));
      s.end();
    }
    return sent;
  },

  async http(port, peer, self) {
    const bad = new BadFrames(3, self, peer);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const call = (method: string, path: string, body?: Uint8Array) =>
      new Promise<number>((resolve, reject) => {
        // An explicit length: node sends a DELETE body unframed, which is two requests' worth of bytes.
        const headers = body === undefined ? {} : { "content-length": body.byteLength };
        const req = request({ host: "127.0.0.1", port, method, path, agent, headers }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
        req.end(body);
      });
    let sent = 0;
    const posts = Array.from({ length: 25_000 }, () => bad.next());
    for (let i = 0; i < posts.length; i += 200) {
      await Promise.all(posts.slice(i, i + 200).map((body) => call("POST", MESSAGE_PATH, body)));
      sent += Math.min(200, posts.length - i);
    }
    const odd = [
      ...Array.from({ length: 100 }, () => call("GET", MESSAGE_PATH)),
      ...Array.from({ length: 100 }, () => call("DELETE", MESSAGE_PATH, bad.next())),
      ...Array.from({ length: 100 }, () => call("POST", "/nope", bad.next())),
      ...[2, 5, 10].map((mb) => call("POST", MESSAGE_PATH, bad.oversized(mb * MB))),
    ];
    const statuses = await Promise.all(odd);
    sent += odd.length;
    assert.ok(
      statuses.every((s) => s >= 400),
      "every odd request is refused",
    );
    agent.destroy();
    // Bytes that are not HTTP at all, one connection each.
    for (let i = 0; i < 20; i++, sent++) await write(await raw(port), "HELLO THERE\r\n\r\n");
    // Requests that stop halfway through their body and never finish.
    for (let i = 0; i < 5; i++, sent++) {
      const s = await raw(port);
      await write(s, `POST ${MESSAGE_PATH} HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789`);
    }
    return sent;
  },
};

describe("hostile input", () => {
  for (const [transport, attack] of Object.entries(attacks)) {
    it(`${transport}: every bad frame is refused and counted, the VM ticks on and its clock is untouched`, async (t) => {
      const dir = join(root, transport);
      const [port, peerPort] = (await freePorts(2)) as [number, number];
      const vm = startCli(
        [
          "vm",
          "--port",
          String(port),
          "--others",
          String(peerPort),
          "--transport",
          transport,
          "--duration",
          "300",
          "--overridefreq",
          "50",
          "--log-dir",
          dir,
          "--quiet",
        ],
        240_000,
      );
      await until("the VM's start record", () => readRecords(dir).length > 0, 30_000, 200);
      const started = Date.now();
      const sent = await attack(port, String(peerPort), String(port));
      const attackEnded = Date.now();
      // Held rejects are written within a second (on a tick), so the log's counts catch up.
      await until(`${sent} rejects in the log`, () => rejectsCounted(readRecords(dir)) >= sent, 120_000, 200);
      const status = readFileSync(`/proc/${vm.child.pid}/status`, "utf8");
      const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
      vm.child.kill("SIGINT");
      const done = await vm.done;
      assert.equal(done.code, 130, done.stderr);

      const records = readRecords(dir);
      const stop = records.at(-1) as StopRecord;
      assert.equal(stop.event, "stop");
      const reasons = new Map<string, number>();
      for (const r of records) {
        if (r.event !== "reject") continue;
        const key = r.reason === "handshake" ? `handshake ${r.detail.replace(/\d+/g, "N")}` : r.reason;
        reasons.set(key, (reasons.get(key) ?? 0) + (r.count ?? 1));
      }
      assert.equal(stop.rejected, sent, `every bad frame counted once: ${JSON.stringify([...reasons])}`);
      assert.equal(rejectsCounted(records), sent, "the log's reject counts add up to every frame");
      const rejectRecords = records.filter((r) => r.event === "reject").length;
      assert.ok(rejectRecords < sent / 20, `${rejectRecords} reject records for ${sent} frames`);
      assert.equal(stop.received, 0, "nothing bad was taken in");
      const ticks = records.filter((r): r is TickRecord => "tick" in r);
      assert.ok(ticks.length > 10);
      ticks.forEach((r, i) => {
        assert.equal(r.tick, i + 1);
        assert.equal(r.clock, i + 1, "only the VM's own events move its clock");
        assert.ok(r.t >= r.due, `tick ${r.tick} early`);
      });
      // Lateness while the attack ran against the ticks before it: reported, not asserted (timing).
      const lateness = (xs: TickRecord[]) => {
        const s = summarize(xs.map((r) => r.t - r.due));
        return `mean ${s.mean.toFixed(3)} p99 ${s.p99.toFixed(3)} max ${s.max.toFixed(3)} ms (${s.count} ticks)`;
      };
      const during = ticks.filter((r) => r.due >= started && r.due <= attackEnded);
      const quiet = ticks.filter((r) => r.due < started);
      t.diagnostic(
        `${transport}: ${sent} bad frames sent in ${((attackEnded - started) / 1000).toFixed(1)} s, ${rejectRecords} reject records, peak RSS ${peakMb.toFixed(1)} MB; ` +
          `tick lateness before ${lateness(quiet)}, during ${lateness(during)}`,
      );
    });
  }
});

/** Tick lateness (ms) of some ticks, in one line. */
function latenessLine(xs: readonly TickRecord[]): string {
  const s = summarize(xs.map((r) => r.t - r.due));
  return `p99 ${s.p99.toFixed(3)} ms, mean ${s.mean.toFixed(3)}, max ${s.max.toFixed(3)} (${s.count} ticks)`;
}

/**
 * `n` small hostile frames for a VM `self` whose peer is `peer`: two in three a bad frame of
 * every kind under the size limit (so the flood is about count, not bytes), the rest messages
 * from senders that are no peer, each named differently.
 */
function floodFrames(n: number, self: string, peer: string): Uint8Array[] {
  const bad = new BadFrames(4, self, peer);
  return Array.from({ length: n }, (_, i) => {
    if (i % 3 === 2) {
      const from = `h${i}`;
      return encodeMessage({
        v: 1,
        from,
        to: self,
        epoch: 7,
        seq: 1,
        clock: 1,
        vc: vcOf({ [from]: 1 }),
        sentAt: 1,
      });
    }
    for (;;) {
      const frame = bad.next();
      if (frame.length <= MAX_FRAME_BYTES) return frame;
    }
  });
}

describe("a flood", () => {
  it("zmq: 100,000 hostile frames in about a second are all counted, in under 100 KB of reject records (--io-thread)", async (t) => {
    const dir = join(root, "flood");
    const [port, peerPort, byPort, byPeer] = (await freePorts(4)) as [number, number, number, number];
    const [self, peer] = [String(port), String(peerPort)];
    const startVm = (vmPort: number, other: number, logDir: string) =>
      startCli(
        [
          "vm",
          ...["--port", String(vmPort), "--others", String(other), "--duration", "120"],
          ...["--overridefreq", "200", "--log-dir", logDir, "--quiet", "--io-thread"],
        ],
        180_000,
      );
    const vm = startVm(port, peerPort, dir);
    // A bystander VM on the same machine, not flooded: what the machine's load alone does to
    // tick lateness, to tell it from what the flood does to the VM it is aimed at.
    const byDir = join(root, "bystander");
    const bystander = startVm(byPort, byPeer, byDir);
    const n = 100_000;
    const frames = floodFrames(n, self, peer);
    const ticks = () => readRecords(dir).filter((r): r is TickRecord => "tick" in r);
    // Two seconds of quiet ticks first, to compare lateness with.
    await until("400 quiet ticks", () => ticks().length >= 400, 30_000, 100);
    // Half the frames through a connection that names the peer, half through one that names a
    // stranger; each socket has one send in flight at a time, the two run side by side.
    const dealers = [`${peer}/flood`, "intruder/flood"].map((routingId) => {
      const dealer = new zmq.Dealer({ routingId, linger: 1000, sendHighWaterMark: 100_000 });
      dealer.connect(`tcp://127.0.0.1:${port}`);
      return dealer;
    });
    const started = Date.now();
    await Promise.all(
      dealers.map(async (dealer, d) => {
        for (let i = d; i < n; i += dealers.length) await dealer.send(frames[i] as Uint8Array);
      }),
    );
    const sentIn = Date.now() - started;
    await until(
      () => `${n} rejects in the log (${rejectsCounted(readRecords(dir))} so far)`,
      () => rejectsCounted(readRecords(dir)) >= n,
      60_000,
      200,
    );
    const handled = Date.now();
    for (const dealer of dealers) dealer.close();
    const status = readFileSync(`/proc/${vm.child.pid}/status`, "utf8");
    const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
    vm.child.kill("SIGINT");
    bystander.child.kill("SIGINT");
    const done = await vm.done;
    assert.equal(done.code, 130, done.stderr);
    await bystander.done;

    const name = readdirSync(dir).find((f) => f.endsWith(".jsonl")) as string;
    const lines = readFileSync(join(dir, name), "utf8")
      .split("\n")
      .filter((l) => l !== "");
    const records = lines.map((l) => JSON.parse(l) as LogRecord);
    const stop = records.at(-1) as StopRecord;
    assert.equal(stop.event, "stop");
    assert.equal(stop.rejected, n, "exactly the frames sent");
    assert.equal(rejectsCounted(records), n, "the counts of the reject records add up to stop.rejected");
    const rejectLines = lines.filter((l) => l.startsWith('{"event":"reject"'));
    assert.equal(rejectLines.length, records.filter((r) => r.event === "reject").length);
    const rejectBytes = rejectLines.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0);
    assert.ok(rejectBytes < 100_000, `${rejectBytes} bytes of reject records`);
    assert.equal(stop.received, 0, "nothing hostile was taken in");
    // Ticks on time: numbered 1..n, never early, the clock moved by the VM's own events only.
    const all = records.filter((r): r is TickRecord => "tick" in r);
    for (const [i, r] of all.entries()) {
      assert.equal(r.tick, i + 1);
      assert.equal(r.clock, i + 1, "only the VM's own events move its clock");
      assert.ok(r.t >= r.due, `tick ${r.tick} early`);
    }
    // Lateness is reported, never asserted (timing).
    const quiet = all.filter((r) => r.due < started);
    const during = all.filter((r) => r.due >= started && r.due <= handled);
    const byDuring = readRecords(byDir).filter(
      (r): r is TickRecord => "tick" in r && r.due >= started && r.due <= handled,
    );
    const byReason = new Map<string, number>();
    for (const r of records)
      if (r.event === "reject") byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
    t.diagnostic(
      `flood: ${n} frames sent in ${(sentIn / 1000).toFixed(2)} s, handled by ${((handled - started) / 1000).toFixed(2)} s; ` +
        `${rejectLines.length} reject records (${rejectBytes} bytes; by reason ${JSON.stringify([...byReason])}); peak RSS ${peakMb.toFixed(1)} MB; ` +
        `tick lateness without the flood ${latenessLine(quiet)}, during it ${latenessLine(during)}; ` +
        `a bystander VM's during it ${latenessLine(byDuring)}`,
    );
  });
});
