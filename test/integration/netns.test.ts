import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Manifest } from "../../src/run/manifest.js";
import { netnsRefusal } from "../helpers/netns.js";
import { alive, killAll, startCli, startProcess } from "../helpers/processes.js";
import { analyzeFolder } from "../helpers/trial-logs.js";
import { until } from "../helpers/until.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-netns-"));
after(() => {
  killAll();
  if (process.env.CLOCKLAB_KEEP === undefined) rmSync(root, { recursive: true, force: true });
});
const skip = netnsRefusal();

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * What a run could leave behind, listed by the tools themselves: the namespaces of any clocklab
 * run, and the machine's own links, qdiscs and nftables rules (a run must never touch them).
 */
function leftovers(): { namespaces: string[]; machine: string } {
  const namespaces = sh("ip", ["netns", "list"])
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith("clocklab-"));
  const machine = [
    sh("ip", ["-o", "link", "show"]),
    sh("tc", ["qdisc", "show"]),
    sh("nft", ["list", "ruleset"]),
  ].join("\n");
  return { namespaces: namespaces.sort(), machine };
}

/** Asserts that everything a run made is gone: compared with the listing taken before it. */
function assertNothingLeft(before: ReturnType<typeof leftovers>, tag: string | undefined): void {
  const now = leftovers();
  assert.deepEqual(
    now.namespaces.filter((n) => !before.namespaces.includes(n)),
    [],
    "namespaces left behind",
  );
  assert.equal(now.machine, before.machine, "the machine's links, qdiscs or rules changed");
  if (tag !== undefined)
    assert.ok(!sh("ip", ["netns", "list"]).includes(tag), `a namespace of run ${tag} is left`);
}

/**
 * Why an unprivileged user cannot run this checkout's CLI, or false when they can: a clone in a
 * 0700 folder (CI's mktemp) is root's alone. The root check itself is unit-tested
 * (test/run/netns.test.ts, "--netns and root"); this runs it end to end where it can.
 */
function unreadableByNobody(): string | false {
  try {
    execFileSync(
      "setpriv",
      [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "test",
        "-r",
        fileURLToPath(new URL("../../node_modules/tsx/package.json", import.meta.url)),
      ],
      {
        stdio: "ignore",
      },
    );
    return false;
  } catch {
    return "this checkout is not readable by an unprivileged user (the root check is unit-tested in test/run/netns.test.ts)";
  }
}

function manifestIn(logDir: string): Manifest | undefined {
  const dirs = existsSync(logDir) ? readdirSync(logDir).filter((d) => d !== "latest") : [];
  const file = dirs[0] === undefined ? undefined : join(logDir, dirs[0], "run.json");
  if (file === undefined || !existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as Manifest;
}

/** Ports below the ephemeral range and away from other tests' blocks; only the root namespace's matter. */
const BASE = 5801;
/** A short seeded trial in which every tick sends (event range 3 with 2 peers: never internal). */
const TRIAL = ["--vms", "3", "--trials", "1", "--duration", "4", "--rates", "6,6,6", "--event-range", "3"];
/** Room after the last tick for a retransmission (TCP's first comes after at least 200 ms). */
const DRAIN = ["--drain", "1500"];

function runNetns(name: string, extra: string[], limitMs = 40_000) {
  const logDir = join(root, name);
  const proc = startCli(
    [
      "run",
      "--netns",
      ...TRIAL,
      "--seed",
      "7",
      "--base-port",
      String(BASE),
      "--log-dir",
      logDir,
      "--no-html",
      ...extra,
    ],
    limitMs,
  );
  return { logDir, proc };
}

async function passingRun(name: string, extra: string[]): Promise<{ manifest: Manifest; dir: string }> {
  const before = leftovers();
  const { logDir, proc } = runNetns(name, extra);
  const result = await proc.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const manifest = manifestIn(logDir) as Manifest;
  assertNothingLeft(before, manifest.network?.tag);
  const dir = join(logDir, readdirSync(logDir).find((d) => d !== "latest") as string, "standard");
  const analysis = await analyzeFolder(dir);
  for (const check of analysis.checks)
    assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
  for (const vm of analysis.vms) assert.ok(vm.events.receive > 0, `${vm.vm} heard nothing across the bridge`);
  return { manifest, dir };
}

describe("runs with --netns (one namespace per VM, kernel conditions)", { skip }, () => {
  it("3 VMs over zmq: every check passes, each VM at its own address, nothing left", async () => {
    const { manifest } = await passingRun("plain", ["--transport", "zmq"]);
    const net = manifest.network;
    assert.ok(net !== undefined, "run.json has no network");
    assert.deepEqual(
      net.vms.map((v) => v.vm),
      ["5801", "5802", "5803"],
    );
    const prefix = net.subnet.replace(/\.0\/24$/, ".");
    assert.deepEqual(
      net.vms.map((v) => v.address),
      [`${prefix}1`, `${prefix}2`, `${prefix}3`],
    );
    for (const v of net.vms) assert.equal(v.namespace, `clocklab-${net.tag}-${v.vm}`);
    assert.equal(
      net.netem,
      false,
      "this kernel was not expected to have netem: update the test and the README",
    );
  });

  it("5 % kernel loss over zmq: the kernel drops packets and every check still passes", async () => {
    const { manifest } = await passingRun("loss", ["--transport", "zmq", "--net-loss", "0.05", ...DRAIN]);
    const drops = manifest.network?.drops ?? [];
    assert.equal(drops.length, 1);
    assert.ok((drops[0]?.loss ?? 0) > 0, `no packet was dropped: ${JSON.stringify(drops)}`);
    assert.equal(manifest.network?.conditions.loss, 0.05);
  });

  it("a partition window over tcp: nothing arrives between the two VMs inside it", async () => {
    const { manifest, dir } = await passingRun("partition", [
      "--transport",
      "tcp",
      "--net-partition",
      "5801-5802@1-2",
      "--net-rate",
      "1mbit",
      ...DRAIN,
    ]);
    assert.ok((manifest.network?.drops[0]?.partition ?? 0) > 0, "the partition dropped nothing");
    const startAt = manifest.trials[0]?.startAt ?? 0;
    // Arrivals inside the window (a little margin for the rule's timer), on every link: none
    // between the two cut apart, some on the links to the third, which shows the VMs were
    // sending and receiving then.
    const within = (t: number) => t > startAt + 1100 && t < startAt + 1950;
    const links = readdirSync(dir)
      .filter((f) => f.endsWith(".jsonl"))
      .flatMap((file) =>
        readFileSync(join(dir, file), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { event: string; vm?: string; from?: string; arrivedAt?: number })
          .filter((r) => r.event === "receive" && r.arrivedAt !== undefined && within(r.arrivedAt))
          .map((r) => [r.from, file.split("_vm-")[1]?.split("_")[0]].sort().join("-")),
      );
    assert.ok(!links.includes("5801-5802"), `5801 and 5802 heard each other inside the partition: ${links}`);
    assert.ok(links.length > 0, "no message arrived anywhere inside the window");
  });

  it("5 % kernel loss over udp: messages lost as gaps, accounted for, every check passes", async () => {
    // 10 s at 6 ticks/s: about 180 messages, so 5 % loss leaves none lost with probability e^-9.
    const { manifest, dir } = await passingRun("udp-loss", [
      ...["--transport", "udp", "--net-loss", "0.05", "--duration", "10"],
      ...DRAIN,
    ]);
    assert.ok((manifest.network?.drops[0]?.loss ?? 0) > 0, "no packet was dropped");
    const a = await analyzeFolder(dir);
    const lost = a.vms.reduce((n, v) => n + v.gapped, 0) + a.lostInTransit;
    assert.ok(lost > 0, "udp lost nothing under 5 % loss");
    // Unlike a stream, udp resends nothing: what arrived arrived within a few ms of its send,
    // unless the reorder buffer held it behind a lost one.
    assert.equal(a.crashes.length, 0);
  });

  it("5 % kernel loss over tcp: nothing lost, but a lost packet's retransmission shows as a stall", async () => {
    const { dir } = await passingRun("tcp-loss", [
      ...["--transport", "tcp", "--net-loss", "0.05", "--duration", "10"],
      ...DRAIN,
    ]);
    const a = await analyzeFolder(dir);
    assert.equal(a.vms.reduce((n, v) => n + v.gapped, 0) + a.lostInTransit, 0);
    // Linux resends a lost segment after at least 200 ms: some message waited that long.
    const stall = Math.max(...a.vms.map((v) => v.stallMs));
    assert.ok(stall >= 200, `longest stall ${stall} ms under 5 % loss`);
    assert.ok(a.all.latencyMs.max >= 200, `latency max ${a.all.latencyMs.max} ms`);
  });

  it("a partition window over udp: the messages between the two inside it are lost as gaps", async () => {
    const { dir } = await passingRun("udp-partition", [
      ...["--transport", "udp", "--net-partition", "5801-5802@1-2"],
      ...DRAIN,
    ]);
    const a = await analyzeFolder(dir);
    const lost = a.vms.reduce((n, v) => n + v.gapped, 0) + a.lostInTransit;
    // A second at 6 ticks/s, each tick sending to one or both peers: several messages each way.
    assert.ok(lost >= 4, `only ${lost} lost across the partition`);
    assert.equal(a.vms.find((v) => v.vm === "5803")?.gapped, 0, "5803 was never cut off");
  });

  it("Ctrl-C (twice) mid-trial: exit 130, and the namespaces there a moment before are gone", async () => {
    const before = leftovers();
    const { logDir, proc } = runNetns("sigint", ["--duration", "30", "--net-loss", "0.01"], 60_000);
    const sending = (): boolean => {
      const log = manifestIn(logDir)?.trials[0]?.vms[0]?.log;
      return log !== undefined && existsSync(log) && readFileSync(log, "utf8").includes('"send"');
    };
    await until("the first VM to send", sending, 30_000);
    const manifest = manifestIn(logDir) as Manifest;
    const tag = manifest.network?.tag as string;
    assert.ok(
      leftovers().namespaces.filter((n) => n.includes(tag)).length === 4,
      "the run's hub and 3 VM namespaces are not there mid-run",
    );
    proc.child.kill("SIGINT");
    // An impatient second Ctrl-C while the VMs stop must not cut the clean-up short.
    await new Promise((resolve) => setTimeout(resolve, 100));
    proc.child.kill("SIGINT");
    const result = await proc.done;
    assert.equal(result.code, 130, result.stderr);
    assert.equal(manifestIn(logDir)?.status, "interrupted");
    for (const vm of manifestIn(logDir)?.trials[0]?.vms ?? []) {
      assert.ok(vm.pid !== undefined && !alive(vm.pid), `VM ${vm.vm} (pid ${vm.pid}) is still alive`);
    }
    assertNothingLeft(before, tag);
  });

  it("a VM that dies mid-trial: the run fails, and nothing of it is left", async () => {
    const before = leftovers();
    const { logDir, proc } = runNetns("dies", ["--duration", "8", "--on-failure", "stop"], 60_000);
    await until("the VMs to start", () => manifestIn(logDir)?.trials[0]?.vms[0]?.pid !== undefined, 30_000);
    const manifest = manifestIn(logDir) as Manifest;
    process.kill(manifest.trials[0]?.vms[0]?.pid as number, "SIGKILL");
    const result = await proc.done;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /vm 5801 of standard trial 1 was killed by SIGKILL/);
    assertNothingLeft(before, manifest.network?.tag);
  });

  it("without root: one line and exit 2, nothing made", { skip: unreadableByNobody() }, async () => {
    const before = leftovers();
    const nobody = startProcess("setpriv", [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      process.execPath,
      "--import",
      "tsx",
      "src/cli/index.ts",
      "run",
      "--netns",
      "--log-dir",
      join(root, "nobody"),
    ]);
    const result = await nobody.done;
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      "clocklab: --netns: network namespaces need root: run as root (e.g. sudo), or leave it out\n",
    );
    assertNothingLeft(before, undefined);
  });

  it("a run refused after its network was made (a taken port, kernel delay without netem) leaves nothing", async () => {
    const before = leftovers();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(BASE + 1, "127.0.0.1", resolve));
    try {
      const taken = runNetns("taken", []);
      const result = await taken.proc.done;
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /port 5802 is already in use/);
    } finally {
      server.close();
    }
    assertNothingLeft(before, undefined);
    const delay = runNetns("delay", ["--net-delay", "20:5"]);
    const result = await delay.proc.done;
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr.trim(),
      "clocklab: --net-delay: this kernel has no netem (no kernel delay or jitter): use --latency for delay",
    );
    assert.equal(manifestIn(delay.logDir), undefined, "a refused run made a run folder");
    assertNothingLeft(before, undefined);
  });
});
