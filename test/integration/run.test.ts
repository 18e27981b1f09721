import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readLog } from "../../src/log/reader.js";
import type { Manifest } from "../../src/run/manifest.js";
import { alive, freePortBlock, killAll, startCli } from "../helpers/processes.js";
import { analyzeFolder } from "../helpers/trial-logs.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-run-"));
after(() => {
  killAll();
  rmSync(root, { recursive: true, force: true });
});

/** Waits until the first trial's VMs of the one run under `logDir` are ticking; its run.json. */
async function untilTicking(logDir: string): Promise<Manifest | undefined> {
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const dirs = existsSync(logDir) ? readdirSync(logDir).filter((d) => d !== "latest") : [];
    const dir = dirs[0] === undefined ? undefined : join(logDir, dirs[0]);
    if (dir === undefined || !existsSync(join(dir, "run.json"))) continue;
    const manifest = manifestOf(dir);
    const logs = manifest.trials[0]?.vms.map((v) => v.log) ?? [];
    if (logs.length > 0 && logs.every((l) => existsSync(l) && readLog(l).some((x) => "tick" in x.record))) {
      return manifest;
    }
  }
  return undefined;
}

const manifestOf = (runDir: string) => JSON.parse(readFileSync(join(runDir, "run.json"), "utf8")) as Manifest;
const runDirOf = (stdout: string) => /^run (\S+):/m.exec(stdout)?.[1] ?? "";

// The VMs of these runs start through tsx, several at once on a 2-core machine: --start-delay 4000
// gives them time to listen before their shared first tick, so checks see an orderly run.
describe("clocklab run", { timeout: 120_000 }, () => {
  it("runs 5 VMs x 2 trials whose logs pass every check, with a complete run.json and logs/latest", async () => {
    const logDir = join(root, "five");
    const base = await freePortBlock(5);
    const result = await startCli(
      [
        "run",
        "--start-delay",
        "4000",
        "--vms",
        "5",
        "--trials",
        "2",
        "--duration",
        "2",
        "--event-range",
        "8",
        "--seed",
        "3",
        "--base-port",
        String(base),
        "--log-dir",
        logDir,
        "--no-html",
      ],
      90_000,
    ).done;
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const runDir = runDirOf(result.stdout);
    assert.ok(existsSync(runDir), `no run folder in: ${result.stdout}`);
    assert.equal(readlinkSync(join(logDir, "latest")), runDir.split("/").at(-1));
    const manifest = manifestOf(runDir);
    assert.equal(manifest.status, "completed");
    assert.equal(manifest.checksPassed, true);
    assert.equal(manifest.config.seed, 3);
    assert.ok(manifest.host.hostname && manifest.host.node && manifest.host.zeromq);
    assert.ok(manifest.startedAt && manifest.finishedAt);
    assert.equal(manifest.trials.length, 2);
    for (const trial of manifest.trials) {
      assert.equal(trial.vms.length, 5);
      assert.ok(trial.endedAt !== undefined && trial.endedAt > trial.startAt);
      for (const vm of trial.vms) {
        assert.equal(vm.exitCode, 0);
        assert.ok(vm.pid !== undefined && vm.rate >= 1 && vm.rate <= 6);
        const start = readLog(vm.log)[0]?.record;
        assert.ok(
          start?.event === "start" && start.rate === vm.rate,
          `run.json rate ${vm.rate} differs from the log`,
        );
      }
      const analysis = await analyzeFolder(join(runDir, "standard"), trial.trial);
      for (const check of analysis.checks)
        assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
    }
  });

  it("explains every message under loss, duplication, latency and a partition", async () => {
    const logDir = join(root, "faults");
    const base = await freePortBlock(3);
    // VM ids are ports picked at random, so the fault draws differ from run to run. Event range 3
    // makes every drawn tick a send; with about a hundred messages, loss 0.3, duplicate 0.5 and a
    // partition over the whole trial all happen except with odds below 1 in 10,000.
    const faults = [
      "--event-range",
      "3",
      "--loss",
      "0.3",
      "--duplicate",
      "0.5",
      "--latency",
      "exp:20",
      "--partition",
      `${base}-${base + 1}@0-5`,
      // The faults act on sends handed to the I/O thread: the same accounting must hold.
      "--io-thread",
    ];
    const result = await startCli(
      [
        "run",
        "--start-delay",
        "4000",
        "--trials",
        "1",
        "--duration",
        "5",
        "--rates",
        "6,6,6",
        "--seed",
        "5",
        "--base-port",
        String(base),
        "--log-dir",
        logDir,
        "--no-html",
        ...faults,
      ],
      90_000,
    ).done;
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const runDir = runDirOf(result.stdout);
    const analysis = await analyzeFolder(join(runDir, "standard"), 1);
    for (const check of analysis.checks)
      assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
    const kinds = new Set<string>(
      manifestOf(runDir).trials[0]?.vms.flatMap((v) =>
        readLog(v.log).flatMap((l) => (l.record.event === "fault" ? [l.record.kind] : [])),
      ),
    );
    for (const kind of ["loss", "duplicate", "partition"])
      assert.ok(kinds.has(kind), `no ${kind} fault was injected`);
  });

  it("stops every VM cleanly on SIGINT, however often it comes: exit 130, stop records, no process left", async () => {
    const logDir = join(root, "sigint");
    const base = await freePortBlock(3);
    const proc = startCli(
      [
        "run",
        "--start-delay",
        "4000",
        "--trials",
        "2",
        "--duration",
        "30",
        "--base-port",
        String(base),
        "--log-dir",
        logDir,
        "--no-html",
      ],
      90_000,
    );
    const manifest = await untilTicking(logDir);
    assert.ok(manifest, "the run never started");
    proc.child.kill("SIGINT");
    // An impatient user presses Ctrl-C again and again: the clean stop goes on, and the process
    // ends with 130, not killed by one of the later signals while it winds down.
    const again = setInterval(() => proc.child.kill("SIGINT"), 5);
    const result = await proc.done.finally(() => clearInterval(again));
    assert.equal(result.code, 130, `${result.signal ?? ""} ${result.stderr}`);
    const runDir = runDirOf(result.stdout);
    const final = manifestOf(runDir);
    assert.equal(final.status, "interrupted");
    assert.equal(final.trials.length, 1, "a second trial was started after the interrupt");
    for (const vm of final.trials[0]?.vms ?? []) {
      assert.equal(readLog(vm.log).at(-1)?.record.event, "stop", `${vm.log} does not end with stop`);
      assert.ok(vm.pid !== undefined && !alive(vm.pid), `VM ${vm.vm} (pid ${vm.pid}) is still alive`);
    }
  });

  it("reports a VM that dies mid-trial and stops the run with --on-failure stop", async () => {
    const logDir = join(root, "dies");
    const base = await freePortBlock(3);
    const proc = startCli(
      [
        "run",
        "--start-delay",
        "4000",
        "--trials",
        "2",
        "--duration",
        "6",
        "--base-port",
        String(base),
        "--log-dir",
        logDir,
        "--no-html",
        "--on-failure",
        "stop",
      ],
      90_000,
    );
    const manifest = await untilTicking(logDir);
    const victim = manifest?.trials[0]?.vms[1];
    assert.ok(victim?.pid, "the run never started");
    process.kill(victim.pid, "SIGKILL");
    const result = await proc.done;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`vm ${victim.vm} of standard trial 1 was killed by SIGKILL`));
    const final = manifestOf(runDirOf(result.stdout));
    assert.equal(final.status, "failed");
    assert.equal(final.trials.length, 1, "the run went on after the failure despite --on-failure stop");
    assert.equal(final.trials[0]?.failed, true);
    assert.equal(final.trials[0]?.vms.find((v) => v.vm === victim.vm)?.signal, "SIGKILL");
  });

  it("compares transports on the same seeded experiment, side by side", async () => {
    const logDir = join(root, "compare");
    const base = await freePortBlock(3);
    const result = await startCli(
      [
        "compare",
        "--start-delay",
        "4000",
        "--transports",
        "zmq,tcp",
        "--trials",
        "1",
        "--duration",
        "2",
        "--seed",
        "9",
        "--base-port",
        String(base),
        "--log-dir",
        logDir,
      ],
      90_000,
    ).done;
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const dir = /^logs: (\S+)$/m.exec(result.stdout.trim().split("\n").at(-1) ?? "")?.[1] ?? "";
    assert.match(result.stdout, /^zmq +1 +\d+ /m);
    assert.match(result.stdout, /^tcp +1 +\d+ /m);
    // The same seed gives the same rates on every transport: only the bus differs.
    const rates = (t: string) => manifestOf(join(dir, t)).trials[0]?.vms.map((v) => v.rate);
    assert.deepEqual(rates("zmq"), rates("tcp"));
    assert.equal((manifestOf(join(dir, "tcp")).config as { transport?: string }).transport, "tcp");
    const html = readFileSync(join(dir, "report.html"), "utf8");
    assert.match(html, /Transports side by side/);
  });

  it("refuses a port in use with one line, exit 2, and starts nothing", async () => {
    const logDir = join(root, "busy");
    const base = await freePortBlock(3);
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(base + 1, "127.0.0.1", () => resolve()));
    try {
      const result = await startCli([
        "run",
        "--start-delay",
        "4000",
        "--trials",
        "1",
        "--duration",
        "2",
        "--base-port",
        String(base),
        "--log-dir",
        logDir,
      ]).done;
      assert.equal(result.code, 2);
      const lines = result.stderr.trim().split("\n");
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? "", new RegExp(`--base-port: port ${base + 1} is already in use`));
      assert.equal(existsSync(logDir), false, "a run folder was created");
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
