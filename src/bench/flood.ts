import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import { summarize } from "../analysis/series.js";
import { moduleEntry } from "../base/entry.js";
import { createRng, randomInt } from "../base/rng.js";
import { vcOf } from "../clock/vector.js";
import { freePortBlock } from "../run/ports.js";
import { encodeMessage } from "../wire/codec.js";
import type { WireMessage } from "../wire/message.js";
import type { Row } from "./rows.js";

const CLI = moduleEntry("../cli/index.js", import.meta.url);
/** The flooded VM and a bystander tick this fast: lateness shows within a few ms. */
const RATE = 200;
/** Quiet ticks before the flood. */
const QUIET_MS = 3000;

/** Tick lateness p99 (ms) of the flooded VM and of a bystander, before and during one flood. */
export interface FloodCost {
  ioThread: boolean;
  frames: number;
  sentInMs: number;
  /** From the first frame sent until the flooded VM's log accounted for the last. */
  handledInMs: number;
  /** The flooded VM's `stop.rejected`: every frame, or the flood was not taken in. */
  rejected: number;
  flooded: { quietP99: number; floodP99: number };
  bystander: { quietP99: number; floodP99: number };
}

/**
 * `n` small hostile frames for VM `self`: random bytes, truncated msgpack, messages from
 * senders that are no peer, and messages for another VM, in turn.
 */
function hostileFrames(n: number, self: string): Uint8Array[] {
  const rng = createRng(1);
  return Array.from({ length: n }, (_, i) => {
    const from = `h${i}`;
    const msg: WireMessage = {
      v: 1,
      from,
      to: self,
      epoch: 7,
      seq: 1,
      clock: 1,
      vc: vcOf({ [from]: 1 }),
      sentAt: 1,
    };
    switch (i % 4) {
      case 0:
        return Uint8Array.from({ length: 1 + randomInt(rng, 0, 60) }, () => randomInt(rng, 0, 255));
      case 1:
        return encodeMessage(msg).subarray(0, 20);
      case 2:
        return encodeMessage(msg);
      default:
        return encodeMessage({ ...msg, to: "9" });
    }
  });
}

interface TickLine {
  t: number;
  due: number;
}

function ticksIn(dir: string): TickLine[] {
  const name = readdirSync(dir).find((f) => f.endsWith(".jsonl"));
  if (name === undefined) return [];
  return readFileSync(join(dir, name), "utf8")
    .split("\n")
    .filter((l) => l.includes('"tick"'))
    .map((l) => JSON.parse(l) as TickLine);
}

/** The rejects a VM's log accounts for so far: each record stands for `count` (1 if absent). */
function rejectsIn(dir: string): number {
  const name = readdirSync(dir).find((f) => f.endsWith(".jsonl"));
  if (name === undefined) return 0;
  let n = 0;
  for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
    if (line.startsWith('{"event":"reject"')) n += (JSON.parse(line) as { count?: number }).count ?? 1;
  }
  return n;
}

const p99 = (ticks: readonly TickLine[]): number => summarize(ticks.map((r) => r.t - r.due)).p99;

/**
 * Floods one VM process's ZeroMQ port with `frames` hostile frames while a bystander VM ticks
 * beside it on the same machine (both at RATE ticks/s, both with `--io-thread` or both
 * without), and compares their tick lateness: on a small machine the flooder and the flood take
 * CPU from every process, so only the difference says what the flood did to the VM it hit.
 */
export async function measureFlood(frames: number, ioThread: boolean): Promise<FloodCost> {
  const dir = mkdtempSync(join(tmpdir(), "clocklab-bench-flood-"));
  const base = await freePortBlock(4);
  const vm = (port: number, logDir: string) =>
    spawn(
      process.execPath,
      [
        ...CLI.execArgv,
        CLI.path,
        "vm",
        ...["--port", String(port), "--others", String(port + 1), "--duration", "60"],
        ...["--overridefreq", String(RATE), "--log-dir", logDir, "--quiet"],
        ...(ioThread ? ["--io-thread"] : []),
      ],
      { stdio: "ignore" },
    );
  const [floodedDir, bystanderDir] = [join(dir, "flooded"), join(dir, "bystander")];
  const children = [vm(base, floodedDir), vm(base + 2, bystanderDir)];
  const dealers: zmq.Dealer[] = [];
  try {
    const hostile = hostileFrames(frames, String(base));
    const until = async (ok: () => boolean, what: string): Promise<void> => {
      for (const stop = Date.now() + 60_000; !ok(); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() > stop) throw new Error(`bench: flood: ${what}`);
      }
    };
    const ready = (d: string) => existsSync(d) && ticksIn(d).length > (RATE * QUIET_MS) / 1000;
    await until(() => ready(floodedDir) && ready(bystanderDir), "the VMs never ticked");
    // Half through a connection that names the VM's peer, half through a stranger's.
    for (const routingId of [`${base + 1}/flood`, "intruder/flood"]) {
      const dealer = new zmq.Dealer({ routingId, linger: 0, sendHighWaterMark: frames });
      dealer.connect(`tcp://127.0.0.1:${base}`);
      dealers.push(dealer);
    }
    const started = Date.now();
    await Promise.all(
      dealers.map(async (dealer, d) => {
        for (let i = d; i < frames; i += dealers.length) await dealer.send(hostile[i] as Uint8Array);
      }),
    );
    const sentInMs = Date.now() - started;
    // "During" lasts until the log accounts for every frame (reject records carry counts).
    await until(() => rejectsIn(floodedDir) >= frames, "the flooded VM never took the flood in");
    const handled = Date.now();
    const stopped = children.map((c) => new Promise((r) => c.once("exit", r)));
    for (const c of children) c.kill("SIGINT");
    await Promise.all(stopped);
    const name = readdirSync(floodedDir).find((f) => f.endsWith(".jsonl")) as string;
    const stop = JSON.parse(readFileSync(join(floodedDir, name), "utf8").trim().split("\n").at(-1) as string);
    const figures = (d: string) => {
      const ticks = ticksIn(d);
      const from = (ticks[0]?.due ?? 0) + 1000;
      return {
        quietP99: p99(ticks.filter((r) => r.due >= from && r.due < started)),
        floodP99: p99(ticks.filter((r) => r.due >= started && r.due <= handled)),
      };
    };
    return {
      ioThread,
      frames,
      sentInMs,
      handledInMs: handled - started,
      rejected: Number(stop.rejected),
      flooded: figures(floodedDir),
      bystander: figures(bystanderDir),
    };
  } finally {
    for (const d of dealers) d.close();
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One row per setting: the flooded VM's lateness p99 with the bystander's as its floor. */
export function floodRows(runs: readonly FloodCost[]): Row[] {
  return [false, true].flatMap((ioThread) => {
    const mine = runs.filter((r) => r.ioThread === ioThread);
    if (mine.length === 0) return [];
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;
    const flooded = median(mine.map((r) => r.flooded.floodP99));
    const bystander = median(mine.map((r) => r.bystander.floodP99));
    const all = mine.every((r) => r.rejected === r.frames);
    const first = mine[0] as FloodCost;
    return [
      {
        section: "flood",
        name: `${first.frames} frames at a VM at ${RATE}/s${ioThread ? " --io-thread" : ""}: lateness p99 during it (median of ${mine.length}; before it ${median(mine.map((r) => r.flooded.quietP99)).toFixed(2)}; in the log within ${(median(mine.map((r) => r.handledInMs)) / 1000).toFixed(1)} s); all counted: ${all ? "yes" : "NO"}`,
        value: flooded,
        unit: "ms",
        floor: bystander,
        floorName: "a bystander VM",
        ...(ioThread ? { target: "<= bystander + 1 ms", met: all && flooded <= bystander + 1 } : {}),
      },
    ];
  });
}
