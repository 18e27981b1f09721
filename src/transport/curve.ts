import { createHmac, createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as zmq from "zeromq";
import { SetupError } from "../base/errors.js";
import { DirError, makeDir } from "../log/writer.js";

/** A VM's CURVE identity and the public keys of the machines it may hear from. */
export interface CurveKeys {
  /** Z85-encoded (40 characters), as libzmq takes them. */
  publicKey: string;
  secretKey: string;
  /** Peer id -> its Z85 public key. */
  peers: ReadonlyMap<string, string>;
}

/** File of all public keys in a keys folder: `{ "<vm id>": "<z85 public key>" }`. */
export const PUBLIC_KEYS_FILE = "public-keys.json";

/** The file holding one VM's key pair (readable by its owner only). */
export function secretKeyFile(dir: string, id: string): string {
  return join(dir, `${id}.secret.json`);
}

/**
 * Writes a fresh key pair per VM id, and one file of every public key. Returns the public keys.
 * Refuses (a DirError naming `dir`) when `dir` is not a folder, or when a key file is there
 * already, unless `force`: secret keys are never replaced by accident. Every file is first
 * written whole to a temporary name, created with mode 0600 for a secret; only when all are
 * written are they renamed into place, so a failed write replaces no key.
 */
export function writeKeys(
  dir: string,
  ids: readonly string[],
  options: { force?: boolean } = {},
): Record<string, string> {
  const files = [...ids.map((id) => secretKeyFile(dir, id)), join(dir, PUBLIC_KEYS_FILE)];
  const made = makeDir(dir, "dir");
  const present = options.force ? undefined : files.find((file) => existsSync(file));
  if (present !== undefined) {
    throw new DirError("dir", `${present} exists already`, undefined, {
      field: "force",
      to: `replace the keys in ${dir}`,
    });
  }
  const publicKeys: Record<string, string> = {};
  const written: [temp: string, file: string][] = [];
  try {
    for (const id of ids) {
      const pair = zmq.curveKeyPair();
      publicKeys[id] = pair.publicKey;
      const file = secretKeyFile(dir, id);
      written.push([writeTemp(file, `${JSON.stringify({ id, ...pair }, null, 2)}\n`, 0o600), file]);
    }
    const file = join(dir, PUBLIC_KEYS_FILE);
    written.push([writeTemp(file, `${JSON.stringify(publicKeys, null, 2)}\n`, 0o644), file]);
    for (const [temp, file] of written) renameSync(temp, file);
  } catch (err) {
    for (const [temp] of written) rmSync(temp, { force: true });
    if (made !== undefined) rmSync(made, { recursive: true, force: true });
    throw new DirError(
      "dir",
      `cannot write keys in ${dir} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      err,
    );
  }
  return publicKeys;
}

/** Writes `text` to a fresh temporary file beside `file`, with exactly `mode`; returns its name. */
function writeTemp(file: string, text: string, mode: number): string {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, text, { mode, flag: "wx" });
    // The mode given at creation is narrowed by the umask; make it exactly `mode`.
    chmodSync(temp, mode);
  } catch (err) {
    // "wx": a name that was there already (EEXIST) is not ours to remove.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") rmSync(temp, { force: true });
    throw err;
  }
  return temp;
}

/** Reads this VM's key pair and its peers' public keys from a keys folder, or says what is missing. */
export function loadKeys(dir: string, self: string, peers: readonly string[]): CurveKeys {
  const read = (file: string): unknown => {
    if (!existsSync(file))
      throw new SetupError({
        field: "curveDir",
        detail: `${file} not found (make keys with: clocklab keys)`,
      });
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new SetupError({ field: "curveDir", detail: `${file} is not JSON` }, { cause: err });
    }
  };
  const own = read(secretKeyFile(dir, self)) as { publicKey?: unknown; secretKey?: unknown };
  const all = read(join(dir, PUBLIC_KEYS_FILE)) as Record<string, unknown>;
  if (!isZ85Key(own.publicKey) || !isZ85Key(own.secretKey)) {
    throw new SetupError({ field: "curveDir", detail: `${secretKeyFile(dir, self)} holds no Z85 key pair` });
  }
  const map = new Map<string, string>();
  for (const peer of peers) {
    const key = all[peer];
    if (!isZ85Key(key))
      throw new SetupError({
        field: "curveDir",
        detail: `no public key for peer ${peer} in ${PUBLIC_KEYS_FILE}`,
      });
    map.set(peer, key);
  }
  return { publicKey: own.publicKey, secretKey: own.secretKey, peers: map };
}

function isZ85Key(x: unknown): x is string {
  return typeof x === "string" && x.length === 40 && z85Decode(x) !== undefined;
}

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/** Decodes Z85 (ZeroMQ RFC 32) into bytes, or undefined if it is not Z85. */
export function z85Decode(text: string): Buffer | undefined {
  if (text.length % 5 !== 0) return undefined;
  const out = Buffer.alloc((text.length / 5) * 4);
  for (let i = 0; i < text.length; i += 5) {
    let value = 0;
    for (let k = 0; k < 5; k++) {
      const digit = Z85.indexOf(text[i + k] as string);
      if (digit < 0) return undefined;
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) return undefined;
    out.writeUInt32BE(value, (i / 5) * 4);
  }
  return out;
}

// DER wrappers that let node:crypto take raw 32-byte X25519 keys (CURVE keys are X25519 keys).
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex");

function privateKey(z85: string): KeyObject {
  const raw = z85Decode(z85) as Buffer;
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: "der", type: "pkcs8" });
}

function publicKey(z85: string): KeyObject {
  const raw = z85Decode(z85) as Buffer;
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: "der", type: "spki" });
}

/** Bytes of the message authentication code sent as a second frame with each message. */
export const MAC_BYTES = 16;

/**
 * Per-link message signatures. CURVE (with the ZAP handler) only lets machines with a known key
 * connect; it does not tell the receiver which of them sent a message, and any of them could
 * claim another's id. So each message carries HMAC-SHA256 under the X25519 secret the two VMs'
 * keys share: only the holder of `from`'s secret key can make a MAC the receiver accepts.
 */
export class LinkSigner {
  readonly #secrets = new Map<string, Buffer>();

  constructor(keys: CurveKeys) {
    const own = privateKey(keys.secretKey);
    for (const [id, key] of keys.peers) {
      this.#secrets.set(id, diffieHellman({ privateKey: own, publicKey: publicKey(key) }));
    }
  }

  /** The MAC for a frame sent to (or received from) `peer`; undefined for an unknown peer. */
  mac(peer: string, frame: Uint8Array): Buffer | undefined {
    const secret = this.#secrets.get(peer);
    if (secret === undefined) return undefined;
    return createHmac("sha256", secret).update(frame).digest().subarray(0, MAC_BYTES);
  }
}

/**
 * A ZAP handler (ZeroMQ RFC 27) on `context`: admits a CURVE client only if its public key is
 * one of `allowed`. Every other client fails its handshake and gets nothing in. Returns a stop
 * function.
 */
export async function startZapHandler(
  context: zmq.Context,
  allowed: ReadonlySet<string>,
): Promise<() => void> {
  const handler = new zmq.Reply({ context, linger: 0 });
  await handler.bind("inproc://zeromq.zap.01");
  void (async () => {
    try {
      for await (const [version, requestId, , , , mechanism, key] of handler) {
        const z85 = key === undefined ? "" : z85Encode(key);
        const ok = mechanism?.toString() === "CURVE" && allowed.has(z85);
        await handler.send([
          version ?? "1.0",
          requestId ?? "",
          ok ? "200" : "400",
          ok ? "OK" : "unknown key",
          "",
          "",
        ]);
      }
    } catch {
      // closed
    }
  })();
  return () => handler.close();
}

/** Z85 of bytes whose length is a multiple of 4 (a 32-byte key gives 40 characters). */
export function z85Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    let value = Buffer.from(bytes.subarray(i, i + 4)).readUInt32BE(0);
    const chunk: string[] = [];
    for (let k = 0; k < 5; k++) {
      chunk.unshift(Z85[value % 85] as string);
      value = Math.floor(value / 85);
    }
    out += chunk.join("");
  }
  return out;
}
