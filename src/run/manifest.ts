import { renameSync, writeFileSync } from "node:fs";
import { arch, cpus, hostname, platform } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";

import type { RunConfig, SimConfig } from "./config.js";
import type { NetworkRecord } from "./netns/network.js";

/** One VM process of one trial, as `run.json` records it. */
export interface VmEntry {
  vm: string;
  port: number;
  rate: number;
  seed: number;
  pid: number | undefined;
  log: string;
  exitCode: number | null;
  signal: string | null;
  /** The last lines of its stderr, when it failed. */
  stderrTail?: string[];
}

export interface TrialEntry {
  experiment: string;
  trial: number;
  startAt: number;
  spawnedAt: number;
  endedAt?: number;
  vms: VmEntry[];
  failed: boolean;
}

/** `run.json`: everything needed to know what ran, with what, and how it ended. */
export interface Manifest {
  clocklab: string;
  status: "running" | "completed" | "failed" | "interrupted";
  command: string[];
  startedAt: string;
  finishedAt?: string;
  host: { hostname: string; platform: string; arch: string; cpus: number; node: string; zeromq: string };
  /** What ran: a real run's configuration, or a simulation's (`mode: "sim"`). */
  config: RunConfig | (SimConfig & { mode: "sim" });
  trials: TrialEntry[];
  checksPassed?: boolean;
  /** The namespaces, addresses and conditions of a run with `--netns`. */
  network?: NetworkRecord;
}

/** The machine and versions a run ran on, for run.json. */
export function hostInfo(): Manifest["host"] {
  return {
    hostname: hostname(),
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    node: process.version,
    zeromq: zmq.version,
  };
}

/** Writes run.json atomically (temp file + rename), so a reader never sees half of it. */
export function writeManifest(dir: string, manifest: Manifest): void {
  const path = join(dir, "run.json");
  writeFileSync(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
