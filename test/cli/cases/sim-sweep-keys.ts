import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EdgeCase } from "./types.js";

/** A plain file where a folder is expected. */
const aFile = (dir: string): void => writeFileSync(join(dir, "a-file"), "not a folder\n");

/** A VM port no row binds: every vm row here is refused before it listens. */
const PORT = "15999";
const FORCE = /\(use --force to go past it\)$/;

/** Each regex ends with FORCE's text where the refusal is a bound. */
function bound(re: RegExp): RegExp {
  return new RegExp(`${re.source}.*${FORCE.source}`);
}

export const cases: EdgeCase[] = [
  // sim: bounds before anything is written
  {
    name: "sim for a billion seconds",
    args: ["sim", "--duration", "1e9"],
    stderr: bound(
      /^clocklab: --duration: 1,000,000,000 s at 6 ticks\/s is 6,000,000,000 ticks per VM, more than 10,000,000 /,
    ),
  },
  {
    name: "sim for a billion seconds without logs",
    args: ["sim", "--duration", "1e9", "--no-logs"],
    stderr: bound(/^clocklab: --duration: 1,000,000,000 s at 6 ticks\/s is 6,000,000,000 ticks per VM/),
  },
  {
    name: "sim without logs, a trial too big for memory",
    args: ["sim", "--duration", "1e6", "--trials", "1", "--no-logs"],
    stderr: bound(/^clocklab: --no-logs: a trial of 18,000,006 records kept in memory needs about 5\.4 GB/),
  },
  {
    name: "sim with a rate no VM can tick in virtual time",
    args: ["sim", "--rates", "1e6,1"],
    stderr: bound(/^clocklab: --rates: 1,000,000 ticks\/s, more than a VM can tick \(100,000\/s\)/),
  },
  {
    name: "sim with a huge multiplier",
    args: ["sim", "--multiplier", "1e6"],
    stderr: bound(
      /^clocklab: --multiplier: 6 ticks\/s x 1,000,000 = 6,000,000 ticks\/s, more than a VM can tick/,
    ),
  },
  {
    name: "sim with more records than a run may hold",
    args: ["sim", "--trials", "1000", "--duration", "100000"],
    stderr: bound(
      /^clocklab: --trials: 1,000 trials x 3 VMs x up to 600,000 ticks make 1,800,006,000 records, more than 50,000,000 in a run/,
    ),
  },
  {
    name: "sim with a file as log folder",
    args: ["sim", "--log-dir", "a-file"],
    setup: aFile,
    stderr: /^clocklab: --log-dir: cannot write a-file\/\S+-sim-standard \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "sim with a log folder under a file",
    args: ["sim", "--log-dir", "a-file/logs"],
    setup: aFile,
    stderr: /^clocklab: --log-dir: cannot write a-file\/logs\/\S+ \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "sim with a log folder in /proc",
    args: ["sim", "--log-dir", "/proc/x"],
    stderr: /^clocklab: --log-dir: cannot write \/proc\/x \(ENOENT\): folders cannot be made there$/,
  },
  {
    name: "sim --log-dir empty",
    args: ["sim", "--log-dir", ""],
    stderr: /^clocklab: --log-dir: expected a folder, got ""$/,
  },
  {
    name: "sim with a base port that leaves no room",
    args: ["sim", "--base-port", "65535"],
    stderr: /^clocklab: --base-port: 65535 leaves too few ports below 65536 for 3 VMs$/,
  },
  {
    name: "sim with a duration too short for the slowest VM to tick",
    args: ["sim", "--duration", "0.1"],
    stderr:
      /^clocklab: --duration: expected at least 1 s, one tick of the slowest VM \(rate 1\/s: --rate-min 1 of standard\), got "0.1"$/,
  },
  {
    name: "sim with 5 VMs from port 65533",
    args: ["sim", "--vms", "5", "--event-range", "10", "--base-port", "65533"],
    stderr: /^clocklab: --base-port: 65533 leaves too few ports below 65536 for 5 VMs$/,
  },

  // sweep: the grid and the bounds
  {
    name: "sweep with an event range below the VMs",
    args: ["sweep", "--event-ranges", "2"],
    stderr: /^clocklab: --event-ranges: expected ranges >= 3 \(peers \+ 1 for --vms 3\), got "2"$/,
  },
  {
    name: "sweep with event ranges below 10 VMs",
    args: ["sweep", "--vms", "10", "--event-ranges", "3,4,5,7,10"],
    stderr: /^clocklab: --event-ranges: expected ranges >= 10 \(peers \+ 1 for --vms 10\), got "3,4,5,7"$/,
  },
  {
    name: "sweep with a spread above the top rate",
    args: ["sweep", "--spreads", "10"],
    stderr: /^clocklab: --spreads: expected spreads below --rate-max \(6\), so rates stay >= 1, got "10"$/,
  },
  {
    name: "sweep with a spread equal to the top rate",
    args: ["sweep", "--spreads", "6", "--rate-max", "6"],
    stderr: /^clocklab: --spreads: expected spreads below --rate-max \(6\), so rates stay >= 1, got "6"$/,
  },
  {
    name: "sweep with an empty spread list",
    args: ["sweep", "--spreads", ""],
    stderr: /^clocklab: --spreads: expected integers >= 0 separated by commas \(e\.g\. 0,1,2,3,5\), got ""$/,
  },
  {
    name: "sweep with a trailing comma",
    args: ["sweep", "--spreads", "1,2,"],
    stderr:
      /^clocklab: --spreads: expected integers >= 0 separated by commas \(e\.g\. 0,1,2,3,5\), got "1,2," \(item 3 is empty\)$/,
  },
  {
    name: "sweep with an empty event range item",
    args: ["sweep", "--event-ranges", "3,,5"],
    stderr:
      /^clocklab: --event-ranges: expected integers >= 2 separated by commas \(e\.g\. 3,4,5,7,10\), got "3,,5" \(item 2 is empty\)$/,
  },
  {
    name: "sweep with an empty spread item",
    args: ["sweep", "--spreads", "1,,2"],
    stderr:
      /^clocklab: --spreads: expected integers >= 0 separated by commas \(e\.g\. 0,1,2,3,5\), got "1,,2" \(item 2 is empty\)$/,
  },
  {
    name: "sweep with an event range that is not an integer",
    args: ["sweep", "--event-ranges", "3,4.5"],
    stderr:
      /^clocklab: --event-ranges: expected integers >= 2 separated by commas \(e\.g\. 3,4,5,7,10\), got "3,4\.5" \(item 2, "4\.5", is not an integer >= 2\)$/,
  },
  {
    name: "sweep for a billion seconds",
    args: ["sweep", "--duration", "1e9"],
    stderr: bound(/^clocklab: --duration: 1,000,000,000 s at 6 ticks\/s is 6,000,000,000 ticks per VM/),
  },
  {
    name: "sweep with too many trials",
    args: ["sweep", "--trials", "100000"],
    stderr: bound(
      /^clocklab: --trials: 100,000 trials x 3 VMs x up to 360 ticks in each of 25 cells make 2,715,000,000 records/,
    ),
  },
  {
    name: "sweep with a top rate no VM can tick",
    args: ["sweep", "--rate-max", "1000000"],
    stderr: bound(/^clocklab: --rate-max: 1,000,000 ticks\/s, more than a VM can tick \(100,000\/s\)/),
  },
  {
    name: "sweep with trials too big for memory",
    args: ["sweep", "--duration", "1000000", "--spreads", "0", "--event-ranges", "3", "--trials", "1"],
    stderr: bound(/^clocklab: --duration: a trial of 18,000,006 records kept in memory needs about 5\.4 GB/),
  },
  {
    name: "sweep with a file as log folder",
    args: [
      "sweep",
      "--spreads",
      "0",
      "--event-ranges",
      "3",
      "--trials",
      "1",
      "--duration",
      "1",
      "--log-dir",
      "a-file",
    ],
    setup: aFile,
    stderr: /^clocklab: --log-dir: cannot write a-file\/\S+-sweep \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "sweep --log-dir empty",
    args: ["sweep", "--log-dir", ""],
    stderr: /^clocklab: --log-dir: expected a folder, got ""$/,
  },

  // keys
  {
    name: "keys into a file",
    args: ["keys", "--out", "a-file"],
    setup: aFile,
    stderr: /^clocklab: --out: cannot write a-file \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "keys into a folder under a file",
    args: ["keys", "--out", "a-file/keys"],
    setup: aFile,
    stderr: /^clocklab: --out: cannot write a-file\/keys \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "keys into /proc",
    args: ["keys", "--out", "/proc/x"],
    stderr: /^clocklab: --out: cannot write \/proc\/x \(ENOENT\): folders cannot be made there$/,
  },
  {
    name: "keys over existing keys",
    args: ["keys", "--out", "keys"],
    setup: (dir) => {
      mkdirSync(join(dir, "keys"));
      writeFileSync(join(dir, "keys", "5001.secret.json"), "{}\n", { mode: 0o600 });
    },
    stderr:
      /^clocklab: --out: keys\/5001\.secret\.json exists already \(use --force to replace the keys in keys\)$/,
  },
  {
    name: "keys over an existing public key file",
    args: ["keys", "--ports", "7001,7002", "--out", "keys"],
    setup: (dir) => {
      mkdirSync(join(dir, "keys"));
      writeFileSync(join(dir, "keys", "public-keys.json"), "{}\n");
    },
    stderr: /^clocklab: --out: keys\/public-keys\.json exists already \(use --force/,
  },

  // vm: the bounds of one VM, its log folder
  {
    name: "vm at a billion ticks a second",
    args: ["vm", "--port", PORT, "--overridefreq", "1e9", "--duration", "1"],
    stderr: bound(/^clocklab: --overridefreq: 1,000,000,000 ticks\/s, more than a VM can tick \(5,000\/s\)/),
  },
  {
    name: "vm with a top rate above what a VM keeps",
    args: ["vm", "--port", PORT, "--rate-max", "6000"],
    stderr: bound(/^clocklab: --rate-max: 6,000 ticks\/s, more than a VM can tick \(5,000\/s\)/),
  },
  {
    name: "vm with a huge multiplier",
    args: ["vm", "--port", PORT, "--multiplier", "1e6"],
    stderr: bound(
      /^clocklab: --multiplier: 6 ticks\/s x 1,000,000 = 6,000,000 ticks\/s, more than a VM can tick/,
    ),
  },
  {
    name: "vm for a billion seconds",
    args: ["vm", "--port", PORT, "--duration", "1e9"],
    stderr: bound(
      /^clocklab: --duration: 1,000,000,000 s at 6 ticks\/s is 6,000,000,000 ticks per VM, more than 10,000,000 /,
    ),
  },
  {
    name: "vm with a file as log folder",
    args: ["vm", "--port", PORT, "--log-dir", "a-file", "--duration", "1"],
    setup: aFile,
    stderr: /^clocklab: --log-dir: cannot write a-file \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "vm with a log folder under a file",
    args: ["vm", "--port", PORT, "--log-dir", "a-file/logs", "--duration", "1"],
    setup: aFile,
    stderr: /^clocklab: --log-dir: cannot write a-file\/logs \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "vm with a log folder in /proc",
    args: ["vm", "--port", PORT, "--log-dir", "/proc/x", "--duration", "1"],
    stderr: /^clocklab: --log-dir: cannot write \/proc\/x \(ENOENT\): folders cannot be made there$/,
  },

  // run and compare: the bounds of a whole run
  {
    name: "run for 1e300 seconds",
    args: ["run", "--duration", "1e300"],
    stderr: bound(/^clocklab: --duration: about 10\^300 s at 6 ticks\/s is about 10\^300 ticks per VM/),
  },
  {
    name: "run with a huge multiplier",
    args: ["run", "--multiplier", "1e6"],
    stderr: bound(
      /^clocklab: --multiplier: 6 ticks\/s x 1,000,000 = 6,000,000 ticks\/s, more than a VM can tick \(5,000\/s\)/,
    ),
  },
  {
    name: "run with a fixed rate above what a VM keeps",
    args: ["run", "--rates", "6000,1,1"],
    stderr: bound(/^clocklab: --rates: 6,000 ticks\/s, more than a VM can tick \(5,000\/s\)/),
  },
  {
    name: "run with a top rate above what a VM keeps",
    args: ["run", "--rate-max", "9000"],
    stderr: bound(/^clocklab: --rate-max: 9,000 ticks\/s, more than a VM can tick/),
  },
  {
    name: "run with too many records",
    args: ["run", "--trials", "100000", "--duration", "3600"],
    stderr: bound(
      /^clocklab: --trials: 100,000 trials x 3 VMs x up to 21,600 ticks make 6,480,600,000 records, more than 50,000,000 in a run/,
    ),
  },
  {
    name: "compare with too many records over its transports",
    args: ["compare", "--trials", "3000", "--duration", "3600"],
    stderr: bound(
      /^clocklab: --trials: 3,000 trials x 3 VMs x up to 21,600 ticks in each of 4 transports make/,
    ),
  },
  {
    name: "compare with a huge multiplier",
    args: ["compare", "--multiplier", "1e6"],
    stderr: bound(/^clocklab: --multiplier: 6 ticks\/s x 1,000,000 = 6,000,000 ticks\/s/),
  },
];
