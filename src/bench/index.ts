// `npm run bench [-- --quick]`: measures clocklab next to the floors that bound it, prints a
// table with the targets, and writes bench/results/<date>[-quick].json.
import { mkdirSync, writeFileSync } from "node:fs";
import { freemem } from "node:os";
import { join } from "node:path";
import { VERSION } from "../base/version.js";
import { hostInfo } from "../run/manifest.js";
import { exportRows, measureExport } from "./export.js";
import { runFleet } from "./fleet.js";
import { type FloodCost, floodRows, measureFlood } from "./flood.js";
import { type LinkKind, measureLatencies, measureThroughput } from "./links.js";
import { type LiveCost, liveRows, measureLive } from "./live.js";
import { measureInspect, measureSimulator } from "./offline.js";
import { measureBigReport, measureDemoReport, type ReportCost } from "./report.js";
import { type Row, renderRows } from "./rows.js";

const quick = process.argv.includes("--quick");
const outDir = process.argv.find((a) => a.startsWith("--out="))?.slice(6) ?? join("bench", "results");
const began = performance.now();
const progress = (s: string) =>
  process.stderr.write(`bench [${((performance.now() - began) / 1000).toFixed(0)} s] ${s}\n`);
const rows: Row[] = [];
const raw: Record<string, unknown> = {};
const errors: string[] = [];

/** Runs one measurement; a failure is reported and recorded, and the bench goes on. */
async function attempt<T>(what: string, measure: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await measure();
  } catch (err) {
    const message = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    progress(`FAILED ${message}`);
    errors.push(message);
    return fallback;
  }
}

const size = quick
  ? { rounds: 2000, flood: 30_000, httpFlood: 3000, tickS: 5, scale: [3, 8, 16], scaleS: 5, inspect: 200_000 }
  : {
      rounds: 10_000,
      flood: 200_000,
      httpFlood: 10_000,
      tickS: 10,
      scale: [3, 8, 16, 32, 64],
      scaleS: 10,
      inspect: 1_000_000,
    };

// 1. Delivery latency, one way, next to the bare libraries' floors.
const linkKinds = ["zmq-bare", "net-bare", "zmq", "tcp", "http"] as const;
progress(`latency ${linkKinds.join(", ")}: ${size.rounds} round trips each, taking turns`);
const { latency, errors: latencyErrors } = await attempt(
  "latency",
  () => measureLatencies(linkKinds, size.rounds),
  { latency: {}, errors: [] },
);
for (const e of latencyErrors) {
  progress(`FAILED ${e}`);
  errors.push(e);
}
raw.latency = latency;
const lat = (k: LinkKind) => latency[k] ?? { p50Us: Number.NaN, p99Us: Number.NaN, rounds: 0 };
for (const [kind, floor, limitUs, ratio] of [
  ["zmq", "zmq-bare", 50, 1.2],
  ["tcp", "net-bare", 20, undefined],
  ["http", "net-bare", 100, undefined],
] as const) {
  const ours = lat(kind).p50Us;
  const f = lat(floor).p50Us;
  rows.push({
    section: "latency",
    name: `${kind} one-way p50 (p99 ${lat(kind).p99Us.toFixed(0)} us)`,
    value: ours,
    unit: "us",
    floor: f,
    floorName: `${floor} p50 (p99 ${lat(floor).p99Us.toFixed(0)})`,
    target: ratio === undefined ? `<= ${limitUs} us` : `<= ${limitUs} us and <= ${ratio}x floor`,
    met: ours <= limitUs && (ratio === undefined || ours <= ratio * f),
  });
}

// 2. Throughput of one link under flood.
// Three floods per link, in turns (floor, ours, ...), so slow and fast moments of the machine
// fall on every link alike; the figure is each link's median.
const floods: Partial<Record<LinkKind, number[]>> = {};
for (let rep = 1; rep <= 3; rep++) {
  for (const kind of linkKinds) {
    const count = kind === "http" ? size.httpFlood : size.flood;
    progress(`throughput ${kind}: ${count} messages (${rep} of 3)`);
    const rate = (
      await attempt(`throughput ${kind}`, () => measureThroughput(kind, count), {
        messagesPerS: Number.NaN,
        count,
      })
    ).messagesPerS;
    floods[kind] = [...(floods[kind] ?? []), rate];
  }
}
const flood: Partial<Record<LinkKind, number>> = {};
for (const kind of linkKinds) {
  const rates = (floods[kind] ?? []).filter((r) => !Number.isNaN(r)).sort((a, b) => a - b);
  flood[kind] = rates.length === 0 ? Number.NaN : (rates[Math.floor((rates.length - 1) / 2)] as number);
}
raw.throughput = { median: flood, runs: floods };
for (const [kind, floor] of [
  ["zmq", "zmq-bare"],
  ["tcp", "net-bare"],
  ["http", "net-bare"],
] as const) {
  const ours = flood[kind] ?? Number.NaN;
  const f = flood[floor] ?? Number.NaN;
  rows.push({
    section: "throughput",
    name: `${kind} one link`,
    value: ours,
    unit: "msg/s",
    floor: f,
    floorName: floor,
    ...(kind === "zmq" ? { target: ">= 0.8x floor", met: ours >= 0.8 * f } : {}),
  });
}

// 3. Tick fidelity with 3 VMs, at 6 and at 1000 ticks/s.
const ticks = [];
for (const rate of [6, 1000]) {
  progress(`tick fidelity: 3 VMs at ${rate} ticks/s for ${size.tickS} s`);
  const r = await attempt(`ticks at ${rate}/s`, () => runFleet(3, rate, size.tickS), undefined);
  if (r === undefined) continue;
  ticks.push(r);
  rows.push({
    section: "ticks",
    name: `3 VMs at ${rate}/s: lateness p99 (mean ${r.latenessMeanMs.toFixed(3)}, max ${r.latenessMaxMs.toFixed(3)}, early ${r.early})`,
    value: r.latenessP99Ms,
    unit: "ms",
    target: "<= 2 ms, never early",
    met: r.latenessP99Ms <= 2 && r.early === 0,
  });
}
raw.ticks = ticks;

// 4. Scale: N VM processes in a full mesh at 6 ticks/s.
const scale = [];
for (const n of size.scale) {
  // About 100 MB per VM process to be safe; skip what this machine cannot hold.
  if (freemem() < n * 100 * 1024 * 1024) {
    progress(`scale ${n} VMs: skipped, ${(freemem() / 2 ** 30).toFixed(1)} GiB free`);
    continue;
  }
  progress(`scale: ${n} VMs at 6 ticks/s for ${size.scaleS} s`);
  const r = await attempt(`scale ${n} VMs`, () => runFleet(n, 6, size.scaleS), undefined);
  if (r === undefined) continue;
  scale.push(r);
  rows.push({
    section: "scale",
    name: `${n} VMs: lateness p99 (max ${r.latenessMaxMs.toFixed(2)}); ${r.rssMeanMb.toFixed(0)} MB/VM RSS (max ${r.rssMaxMb.toFixed(0)}, PSS ${r.pssMeanMb.toFixed(0)}); CPU ${r.cpuPercentPerVm.toFixed(1)} %/VM; lost ${r.lost} of ${r.messages}; checks ${r.checksPassed ? "pass" : "FAIL"}`,
    value: r.latenessP99Ms,
    unit: "ms",
    ...(n === 32
      ? {
          target: "<= 5 ms, <= 60 MB/VM, 0 lost",
          met: r.latenessP99Ms <= 5 && r.rssMaxMb <= 60 && r.lost === 0 && r.checksPassed,
        }
      : { target: "0 lost", met: r.lost === 0 && r.checksPassed }),
  });
}
raw.scale = scale;

// 4b. A flood of hostile frames at one VM, a bystander VM beside it, with and without
// --io-thread, taking turns.
const floodRuns: FloodCost[] = [];
for (let round = 0; round < (quick ? 1 : 3); round++) {
  for (const ioThread of [false, true]) {
    progress(`flood: 100,000 frames at a VM${ioThread ? " with --io-thread" : ""} (round ${round + 1})`);
    const r = await attempt("flood", () => measureFlood(100_000, ioThread), undefined);
    if (r !== undefined) floodRuns.push(r);
  }
}
rows.push(...floodRows(floodRuns));
raw.flood = floodRuns;

// 5. The simulator and inspect.
// The standard experiment's 5 trials, an hour each (a minute is a few ms: mostly JIT warm-up).
const simSize = { durationS: quick ? 600 : 3600 };
const sims: Awaited<ReturnType<typeof measureSimulator>>[] = [];
for (const records of ["streamed", "kept", "logged"] as const) {
  progress(`simulator: standard experiment, ${simSize.durationS} s trials, records ${records}`);
  const sim = await measureSimulator("standard", records, simSize);
  sims.push(sim);
  rows.push({
    section: "offline",
    name: `simulator, ${sim.ticks} ticks, records ${records}${records === "streamed" ? " (median of 3, warm)" : ""}`,
    value: sim.tickEventsPerS,
    unit: "ticks/s",
    ...(records === "streamed" ? { target: ">= 2,000,000", met: sim.tickEventsPerS >= 2_000_000 } : {}),
  });
}
progress(`inspect: ${size.inspect} records`);
const inspect = await measureInspect(size.inspect);
rows.push({
  section: "offline",
  name: `inspect, ${inspect.records} records (peak ${inspect.peakRssMb.toFixed(0)} MB)`,
  value: inspect.recordsPerS,
  unit: "records/s",
  target: ">= 500,000",
  met: inspect.recordsPerS >= 500_000,
});
raw.offline = { sims, inspect };

// The same logs exported to Parquet and DuckDB (inspect --parquet --duckdb), in a process of its own.
progress(`export: ${size.inspect} records to Parquet and DuckDB`);
const exported = await attempt("export", () => measureExport(size.inspect), undefined);
if (exported !== undefined) {
  rows.push(...exportRows(exported));
  raw.export = exported;
}

// 6. The report: made for the demo's run (both experiments, 5 trials of 60 s, simulated),
// opened in Chromium, and made for a run of a million records (or 200,000 when quick).
const mb = (bytes: number) => bytes / 2 ** 20;
progress("report: the demo's run (both experiments, 5 x 60 s), made and opened in Chromium");
const demo = await attempt("report of the demo run", () => measureDemoReport(true), undefined);
if (demo !== undefined) {
  const made = demo.inspectMs + demo.pageMs;
  rows.push(
    {
      section: "report",
      name: `demo run report.html, ${demo.records} ticks: made in (inspect ${demo.inspectMs.toFixed(0)} + page ${demo.pageMs.toFixed(0)} ms; peak ${demo.peakRssMb.toFixed(0)} MB)`,
      value: made / 1000,
      unit: "s",
      target: "< 2 s",
      met: made < 2000,
    },
    {
      section: "report",
      name: "demo run report.html size",
      value: mb(demo.bytes),
      unit: "MB",
      target: "< 3 MB",
      met: demo.bytes < 3 * 2 ** 20,
    },
    {
      section: "report",
      name: `demo run report.html in Chromium: navigation to the first frame after load (median of 5)${demo.diagramReadyMs === undefined ? "" : `; diagram ready at ${demo.diagramReadyMs.toFixed(0)} ms`}`,
      value: demo.interactiveMs / 1000,
      unit: "s",
      target: "< 1 s",
      met: demo.interactiveMs < 1000,
    },
  );
}
const bigRecords = quick ? 200_000 : 1_000_000;
progress(`report: a run of ${bigRecords} records`);
const big: ReportCost | undefined = await attempt(
  `report of ${bigRecords} records`,
  () => measureBigReport(bigRecords),
  undefined,
);
if (big !== undefined) {
  rows.push({
    section: "report",
    name: `report.html of ${big.records} records: made in (inspect ${(big.inspectMs / 1000).toFixed(1)} + page ${(big.pageMs / 1000).toFixed(1)} s; ${mb(big.bytes).toFixed(1)} MB)`,
    value: (big.inspectMs + big.pageMs) / 1000,
    unit: "s",
  });
  rows.push({
    section: "report",
    name: `report.html of ${big.records} records: peak memory (RSS)`,
    value: big.peakRssMb,
    unit: "MB",
  });
}
raw.report = { demo, big };

// 7. The live page: 3 VMs at 6 ticks/s, a plain run and one watched by two pages, in turns.
const liveS = quick ? 10 : 30;
progress(`live: 3 VMs at 6 ticks/s for ${liveS} s, plain and with 2 pages in Chromium, in turns`);
const live: LiveCost[] = [];
for (const pages of quick ? [0, 2] : [0, 2, 0, 2]) {
  const cost = await attempt(`live run with ${pages} pages`, () => measureLive(pages, liveS), undefined);
  if (cost !== undefined) live.push(cost);
}
if (live.some((r) => r.pages === 0) && live.some((r) => r.pages > 0)) rows.push(...liveRows(live));
raw.live = live;
raw.errors = errors;

const date = new Date().toISOString().slice(0, 10);
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `${date}${quick ? "-quick" : ""}.json`);
const seconds = (performance.now() - began) / 1000;
writeFileSync(
  file,
  `${JSON.stringify({ clocklab: VERSION, date: new Date().toISOString(), quick, seconds, host: hostInfo(), rows, raw }, null, 2)}\n`,
);
const failures =
  errors.length === 0 ? "" : `\n${errors.length} measurement(s) failed:\n  ${errors.join("\n  ")}`;
process.stdout.write(
  `${renderRows(rows)}\n\n${rows.filter((r) => r.met === false).length} target(s) missed; written to ${file} in ${seconds.toFixed(0)} s${failures}\n`,
);
