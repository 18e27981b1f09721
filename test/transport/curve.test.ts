import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as zmq from "zeromq";
import {
  LinkSigner,
  loadKeys,
  MAC_BYTES,
  secretKeyFile,
  writeKeys,
  z85Decode,
  z85Encode,
} from "../../src/transport/curve.js";
import type { Transport } from "../../src/transport/transport.js";
import { createZmqTransport } from "../../src/transport/zmq.js";
import { freePorts } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

const dir = mkdtempSync(join(tmpdir(), "clocklab-curve-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("CURVE keys", () => {
  it("Z85 matches the RFC 32 test vector both ways", () => {
    const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    assert.equal(z85Encode(bytes), "HelloWorld");
    assert.deepEqual(z85Decode("HelloWorld"), bytes);
    assert.equal(z85Decode("Hell~"), undefined);
  });

  it("writes one private key file per VM and the public keys; loads what a VM needs", () => {
    const keys = join(dir, "keys");
    const publicKeys = writeKeys(keys, ["5001", "5002", "5003"]);
    assert.equal(statSync(secretKeyFile(keys, "5001")).mode & 0o777, 0o600);
    const own = loadKeys(keys, "5001", ["5002", "5003"]);
    assert.equal(own.peers.get("5002"), publicKeys["5002"]);
    assert.equal(JSON.parse(readFileSync(secretKeyFile(keys, "5001"), "utf8")).publicKey, own.publicKey);
    assert.throws(() => loadKeys(keys, "5001", ["5009"]), /no public key for peer 5009/);
    assert.throws(
      () => loadKeys(join(dir, "none"), "5001", []),
      /not found \(make keys with: clocklab keys\)/,
    );
  });

  it("replaces no key when --force fails partway: every file is written before any is renamed", () => {
    const keys = join(dir, "keys-partway");
    writeKeys(keys, ["5001", "5002"]);
    const before = readFileSync(secretKeyFile(keys, "5001"), "utf8");
    // The public keys' temporary file cannot be made: a folder holds its name.
    const blocker = join(keys, `public-keys.json.${process.pid}.tmp`);
    mkdirSync(blocker);
    assert.throws(
      () => writeKeys(keys, ["5001", "5002"], { force: true }),
      (err: unknown) => err instanceof Error && /^dir: cannot write keys in .* \(EEXIST\)$/.test(err.message),
    );
    rmSync(blocker, { recursive: true });
    assert.equal(readFileSync(secretKeyFile(keys, "5001"), "utf8"), before);
    assert.deepEqual(readdirSync(keys).sort(), ["5001.secret.json", "5002.secret.json", "public-keys.json"]);
    assert.ok(existsSync(join(keys, "public-keys.json")));
  });

  it("signs per link: what A signs for B, B checks as from A; nobody else's MAC matches", () => {
    const keys = join(dir, "sign");
    writeKeys(keys, ["1", "2", "3"]);
    const a = new LinkSigner(loadKeys(keys, "1", ["2", "3"]));
    const b = new LinkSigner(loadKeys(keys, "2", ["1", "3"]));
    const c = new LinkSigner(loadKeys(keys, "3", ["1", "2"]));
    const frame = Buffer.from("message");
    const mac = a.mac("2", frame);
    assert.equal(mac?.length, MAC_BYTES);
    assert.ok(b.mac("1", frame)?.equals(mac as Buffer));
    assert.ok(!b.mac("3", frame)?.equals(mac as Buffer), "3 cannot pass as 1");
    assert.ok(!c.mac("2", frame)?.equals(mac as Buffer));
    assert.equal(b.mac("9", frame), undefined);
  });
});

describe("zmq with --curve", () => {
  it("peers with their keys talk; an unknown key, no key, or another peer's id get nothing in", async () => {
    const keys = join(dir, "bus");
    const [pa, pb] = (await freePorts(2)) as [number, number];
    const [a, b] = [pa, pb].map((port) => ({ id: String(port), host: "127.0.0.1", port }));
    if (a === undefined || b === undefined) throw new Error("ports");
    writeKeys(keys, [a.id, b.id]);
    const got: string[] = [];
    const faults: string[] = [];
    const start = async (self: typeof a, peer: typeof a): Promise<Transport> => {
      const t = createZmqTransport({ self, peers: [peer], curve: loadKeys(keys, self.id, [peer.id]) });
      await t.start({
        frame: (frame, hint) => got.push(`${self.id}<-${hint}:${Buffer.from(frame).toString()}`),
        fault: (detail) => faults.push(`${self.id}: ${detail}`),
      });
      return t;
    };
    const ta = await start(a, b);
    const tb = await start(b, a);
    const sockets: zmq.Dealer[] = [];
    try {
      ta.send(b.id, Buffer.from("hello b"));
      tb.send(a.id, Buffer.from("hello a"));
      await until("both messages", () => got.length === 2);
      assert.deepEqual(got.sort(), [`${a.id}<-${b.id}:hello a`, `${b.id}<-${a.id}:hello b`].sort());

      const serverKey = loadKeys(keys, b.id, [a.id]).peers.get(a.id) as string;
      const stranger = zmq.curveKeyPair();
      const bKeys = JSON.parse(readFileSync(secretKeyFile(keys, b.id), "utf8"));
      const clients = [
        // A key the VM was never given.
        { curveServerKey: serverKey, curvePublicKey: stranger.publicKey, curveSecretKey: stranger.secretKey },
        // No encryption at all.
        {},
        // B's real key, but claiming to be some other peer: the signature check catches it.
        { curveServerKey: serverKey, curvePublicKey: bKeys.publicKey, curveSecretKey: bKeys.secretKey },
      ];
      for (const [i, options] of clients.entries()) {
        // One send at a time (zeromq.js allows no more), each given up after 200 ms: a refused
        // intruder has no connection to send on.
        const socket = new zmq.Dealer({
          routingId: `${b.id}/intruder${i}`,
          linger: 0,
          sendTimeout: 200,
          ...options,
        });
        sockets.push(socket);
        socket.connect(`tcp://127.0.0.1:${a.port}`);
        for (let k = 0; k < 20; k++) {
          await socket.send([Buffer.from(`intruder ${i}`), Buffer.alloc(MAC_BYTES)]).catch(() => {});
        }
      }
      // The stranger fails authentication; the plain client fails its handshake (as a protocol
      // error or a broken pipe, depending on who notices first); the insider's MACs do not match.
      const handshakeFailures = () => faults.filter((f) => f.includes("handshake:error")).length;
      await until(
        () => `every intruder refused; faults: ${JSON.stringify(faults)}`,
        () =>
          faults.some((f) => f.includes("handshake:error:auth")) &&
          handshakeFailures() >= 2 &&
          faults.some((f) => f.includes("not signed")),
      );
      assert.deepEqual(
        got.filter((g) => g.includes("intruder")),
        [],
        "nothing of theirs got in",
      );
      assert.ok(
        faults.some((f) => f.includes("handshake:error:auth")),
        JSON.stringify(faults),
      );
    } finally {
      for (const s of sockets) s.close();
      await ta.close();
      await tb.close();
    }
  });
});
