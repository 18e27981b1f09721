import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EdgeCase } from "./types.js";

/** A log's name, as `inspect` finds logs. */
const LOG = "trial-1_vm-5001_rate-2.jsonl";

/** One VM alone, two ticks at rate 2 for 1 s: a log every check passes. */
function goodLog(dir: string): void {
  const start = {
    event: "start",
    t: 0,
    vm: "5001",
    trial: 1,
    rate: 2,
    peers: [],
    transport: "zmq",
    seed: 1,
    eventRange: 10,
    startAt: 1000,
    duration: 1,
    epoch: 1,
    version: "test",
    pid: 1,
    host: "h",
    ticksPlanned: 2,
    gapTimeoutMs: 1000,
    drainMs: 0,
  };
  const tick = (n: number) => {
    const t = 1000 + (n - 1) * 500;
    return { event: "internal", t, tick: n, due: t, clock: n, vc: { "5001": n }, queue: 0 };
  };
  const stop = {
    event: "stop",
    t: 2000,
    ticks: 2,
    sent: 0,
    received: 0,
    pending: 0,
    rejected: 0,
    reason: "duration",
    links: {},
  };
  mkdirSync(join(dir, "run"));
  writeFileSync(
    join(dir, "run", LOG),
    `${[start, tick(1), tick(2), stop].map((r) => JSON.stringify(r)).join("\n")}\n`,
  );
  // Something that is not a folder, to put outputs under.
  writeFileSync(join(dir, "blocker"), "x");
}

/** `inspect` given something that is not a run, or told to write where it cannot. */
export const cases: EdgeCase[] = [
  {
    name: "inspect: no logs/latest yet",
    args: ["inspect"],
    stderr:
      /^clocklab: inspect: no run yet: logs\/latest does not exist \(clocklab run or clocklab sim makes one; or name a run folder or log files\)$/,
  },
  {
    name: "inspect: a path that does not exist",
    args: ["inspect", "nope"],
    stderr: /no such file or folder "nope"/,
  },
  {
    name: "inspect: an empty folder",
    args: ["inspect", "empty"],
    setup: (dir) => mkdirSync(join(dir, "empty")),
    stderr: /inspect: no log files \(trial-<n>_vm-<port>_rate-<r>\.jsonl\) in empty/,
  },
  {
    name: "inspect: a file not named like a log",
    args: ["inspect", "notes.txt"],
    setup: (dir) => writeFileSync(join(dir, "notes.txt"), "hello\n"),
    stderr: /no log files .* in notes\.txt/,
  },
  {
    name: "inspect: a binary file named like a log",
    args: ["inspect", LOG],
    setup: (dir) => writeFileSync(join(dir, LOG), Buffer.from([0, 1, 2, 255, 10, 7, 8, 200, 10, 0])),
    stderr:
      /inspect: not one line of trial-1_vm-5001_rate-2\.jsonl is a clocklab log record \(.*:1: not JSON: /,
  },
  {
    name: "inspect: JSON Lines of another program",
    args: ["inspect", LOG],
    setup: (dir) => writeFileSync(join(dir, LOG), '{"foo":1}\n{"foo":2}\n'),
    stderr: /not one line of .* is a clocklab log record \(.*:1: no "event"\)$/,
  },
  {
    name: "inspect: records of an unknown kind",
    args: ["inspect", LOG],
    setup: (dir) => writeFileSync(join(dir, LOG), '{"event":"click","t":1}\n'),
    stderr: /:1: event "click" is not a record kind \(start, internal, send/,
  },
  {
    name: "inspect: two files, neither a log",
    args: ["inspect", "."],
    setup: (dir) => {
      writeFileSync(join(dir, LOG), "[1,2,3]\n");
      writeFileSync(join(dir, "trial-1_vm-5002_rate-1.jsonl"), "not json\n");
    },
    stderr: /not one line of any of 2 files is a clocklab log record/,
  },
  {
    name: "inspect: a --window that is not START:LENGTH",
    args: ["inspect", "run", "--window", "5"],
    setup: goodLog,
    stderr: /^clocklab: --window: expected START:LENGTH in seconds .*, got "5"$/,
  },
  {
    name: "inspect: --html under a file",
    args: ["inspect", "run", "--html", "blocker/report.html"],
    setup: goodLog,
    stderr:
      /^clocklab: --html: expected a file path that can be written, got "blocker\/report\.html" \(.*blocker is a file, not a folder\)$/,
  },
  {
    name: "inspect: --html onto a folder",
    args: ["inspect", "run", "--html", "run"],
    setup: goodLog,
    stderr:
      /^clocklab: --html: expected a file path that can be written, got "run" \(it is a folder, not a file\)$/,
  },
  {
    name: "inspect: --html where files cannot be created",
    args: ["inspect", "run", "--html", "/proc/clocklab/report.html"],
    setup: goodLog,
    stderr:
      /^clocklab: --html: expected a file path that can be written, got "\/proc\/clocklab\/report\.html" \(cannot create files in \/proc: E[A-Z]+\)$/,
  },
  {
    name: "inspect: --csv onto a file",
    args: ["inspect", "run", "--csv", "blocker"],
    setup: goodLog,
    stderr:
      /^clocklab: --csv: expected a folder that can be written, got "blocker" \(it is a file, not a folder\)$/,
  },
  {
    name: "inspect: --csv under a file",
    args: ["inspect", "run", "--csv", "blocker/csv/deeper"],
    setup: goodLog,
    stderr:
      /^clocklab: --csv: expected a folder that can be written, got "blocker\/csv\/deeper" \(.*blocker is a file/,
  },
  {
    name: "inspect: --png onto a file",
    args: ["inspect", "run", "--png", "blocker"],
    setup: goodLog,
    stderr:
      /^clocklab: --png: expected a folder that can be written, got "blocker" \(it is a file, not a folder\)$/,
  },
  {
    name: "inspect: --png where files cannot be created",
    args: ["inspect", "run", "--png", "/sys/clocklab-charts"],
    setup: goodLog,
    stderr:
      /^clocklab: --png: expected a folder that can be written, got "\/sys\/clocklab-charts" \(cannot create files in \/sys: E[A-Z]+\)$/,
  },
  {
    name: "inspect: --shiviz under a file",
    args: ["inspect", "run", "--shiviz", "blocker/run.shiviz"],
    setup: goodLog,
    stderr:
      /^clocklab: --shiviz: expected a file path that can be written, got "blocker\/run\.shiviz" \(.*blocker is a file/,
  },
  {
    name: "inspect: --shiviz onto a folder",
    args: ["inspect", "run", "--shiviz", "run"],
    setup: goodLog,
    stderr:
      /^clocklab: --shiviz: expected a file path that can be written, got "run" \(it is a folder, not a file\)$/,
  },
  {
    name: "inspect: a bad output checked before a missing run",
    args: ["inspect", "nope", "--csv", "blocker"],
    setup: goodLog,
    stderr: /^clocklab: --csv: expected a folder that can be written, got "blocker"/,
  },
  {
    name: "inspect: an unknown option",
    args: ["inspect", "run", "--htlm"],
    setup: goodLog,
    stderr: /--htlm/,
  },
];
