import { Command } from "commander";
import { UsageError } from "../base/errors.js";
import type { CliIo } from "../base/io.js";
import { PUBLIC_KEYS_FILE, secretKeyFile, writeKeys } from "../transport/curve.js";
import { flagged } from "./bounds.js";
import { flagsOf } from "./flags.js";
import { integer } from "./parse.js";

interface KeysOptions {
  ports?: string;
  vms?: number;
  basePort: number;
  out: string;
  force: boolean;
}

/** VM ids from `--ports 5001,5002` or `--vms N --base-port P`. */
export function keyIds(opts: KeysOptions): string[] {
  if (opts.ports !== undefined) {
    const ports = opts.ports.split(",").map((p) => p.trim());
    if (ports.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535)) {
      throw new UsageError(`--ports: expected ports 1-65535 separated by commas, got "${opts.ports}"`);
    }
    if (new Set(ports).size !== ports.length)
      throw new UsageError(`--ports: a port is listed twice in "${opts.ports}"`);
    return ports.map((p) => String(Number(p)));
  }
  const count = opts.vms ?? 3;
  if (opts.basePort + count - 1 > 65535) {
    throw new UsageError(`--base-port: ${opts.basePort} leaves too few ports below 65536 for ${count} VMs`);
  }
  return Array.from({ length: count }, (_, i) => String(opts.basePort + i));
}

/** `clocklab keys`: CURVE key pairs for the machines of a run. */
export function keysCommand(io: CliIo): Command {
  return new Command("keys")
    .description("write CURVE key pairs for the VMs of a run, for --curve (zmq)")
    .option("--ports <list>", "VM ports, e.g. 5001,5002,5003 (instead of --vms/--base-port)")
    .option("--vms <n>", "this many VMs from --base-port (default 3)", integer(1, 10_000))
    .option("--base-port <port>", "port of the first VM", integer(1, 65535), 5001)
    .option("--out <dir>", "folder to write the keys to", "keys")
    .option("--force", "replace keys that are there already (every secret key is new)", false)
    .addHelpText(
      "after",
      `
Writes <out>/<port>.secret.json (that VM's key pair, readable by its owner only) and
<out>/${PUBLIC_KEYS_FILE} (every VM's public key). Keys already in <out> are never replaced
without --force. On several machines, give each machine its
own VMs' secret files and everyone the public keys. Then:
  clocklab vm --port 5001 --others 5002 5003 --curve keys
  clocklab run --curve keys        # or plain --curve: keys made in the run folder`,
    )
    .action(async (opts: KeysOptions) => {
      const ids = keyIds(opts);
      await flagged(flagsOf("keys"), () => writeKeys(opts.out, ids, { force: opts.force }));
      io.out(
        `wrote key pairs for ${ids.join(", ")}: ${ids.map((id) => secretKeyFile(opts.out, id)).join(" ")}`,
      );
      io.out(`public keys: ${opts.out}/${PUBLIC_KEYS_FILE}`);
    });
}
