import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildProgram } from "../../src/cli/program.js";
import type { VmConfig } from "../../src/host/runtime.js";
import { fromVmArgs, toVmArgs, type VmFlags } from "../../src/run/vm-args.js";
import type { FaultSpec } from "../../src/transport/faults.js";
import { defaultRegistry } from "../../src/transport/registry.js";
import { captureIo } from "../helpers/io.js";

/** Wall time of the tests: start times lie near it, as `run` gives them. */
const NOW = 1_800_000_000_000;

/**
 * The flags the real `clocklab vm` command parses from `args` (its own definitions, commander and
 * the program's checks of stray arguments), caught before the VM would start.
 */
async function parseVm(args: readonly string[]): Promise<VmFlags> {
  const program = await buildProgram(captureIo(), defaultRegistry(), "vm");
  const vm = program.commands.find((c) => c.name() === "vm");
  assert.ok(vm !== undefined);
  let flags: VmFlags | undefined;
  vm.action((opts: VmFlags) => {
    flags = opts;
  });
  await program.parseAsync(args, { from: "user" });
  assert.ok(flags !== undefined, "the vm command's action did not run");
  return flags;
}

/** A config as parse and fromVmArgs give it back. */
async function roundTrip(config: VmConfig): Promise<VmConfig> {
  return fromVmArgs(await parseVm(toVmArgs(config, { quiet: true, force: true })), NOW, () => {
    throw new Error("the seed was in the arguments");
  });
}

const loopback = (port: number) => ({ id: String(port), host: "127.0.0.1", port });

/** The second VM of a 3-VM trial of `run`, with every optional part. */
const full: VmConfig = {
  self: loopback(5002),
  peers: [loopback(5001), loopback(5003)],
  trial: 4,
  durationS: 2.5,
  rate: { fixed: 3, min: 1, max: 6, multiplier: 0.5 },
  seed: 77,
  eventRange: 10,
  startAt: NOW + 1500,
  logDir: "/tmp/run/standard",
  transport: "zmq",
  gapTimeoutMs: 250,
  drainMs: 500,
  faults: {
    latency: { kind: "uniform", minMs: 10, maxMs: 30.5 },
    loss: 0.05,
    duplicate: 0.001,
    partitions: [
      { from: "5001", to: "5002", startS: 1, endS: 2.5 },
      { from: "5002", to: "5001", startS: 1, endS: 2.5 },
      { from: "5003", to: "5002", startS: 0.5, endS: 1 },
    ],
  },
  fresh: true,
  curveDir: "/tmp/run/keys",
  ioThread: true,
};

describe("toVmArgs and fromVmArgs", () => {
  it("write a VM's configuration that the vm command parses back to the same", async () => {
    assert.deepEqual(await roundTrip(full), full);
  });

  it("keep peers on other hosts, a VM alone, random rates and no faults", async () => {
    const faults: FaultSpec = {
      latency: { kind: "exponential", meanMs: 0.0000001 },
      loss: 0,
      duplicate: 0,
      partitions: [],
    };
    const plain: VmConfig = {
      self: { id: "7001", host: "::1", port: 7001 },
      peers: [
        { id: "7002", host: "10.0.0.2", port: 7002 },
        { id: "7003", host: "fe80::1", port: 7003 },
        { id: "7004", host: "::1", port: 7004 },
      ],
      trial: 1,
      durationS: 60,
      rate: { fixed: undefined, min: 4, max: 6, multiplier: 1 },
      seed: 0,
      eventRange: 5,
      startAt: undefined,
      logDir: "logs",
      transport: "tcp",
      gapTimeoutMs: 0,
      drainMs: 0,
      faults,
      fresh: false,
      curveDir: undefined,
      ioThread: false,
    };
    assert.deepEqual(await roundTrip(plain), plain);
    const alone: VmConfig = { ...plain, peers: [], faults: { ...faults, latency: { kind: "none" } } };
    assert.deepEqual(await roundTrip(alone), alone);
    const constant: VmConfig = {
      ...plain,
      faults: { ...faults, latency: { kind: "constant", ms: 20 } },
    };
    assert.deepEqual(await roundTrip(constant), constant);
  });

  it("write the arguments a hand reading of the vm command gives", () => {
    assert.deepEqual(toVmArgs(full, { quiet: true, force: true }), [
      "vm",
      ...["--port", "5002", "--others", "5001", "5003", "--trial", "4", "--duration", "2.5"],
      ...["--start-at", "1800000001500", "--seed", "77"],
      ...["--rate-min", "1", "--rate-max", "6", "--multiplier", "0.5", "--overridefreq", "3"],
      ...["--event-range", "10", "--transport", "zmq", "--host", "127.0.0.1"],
      ...["--log-dir", "/tmp/run/standard", "--drain", "500", "--gap-timeout", "250"],
      ...["--quiet", "--force", "--fresh"],
      ...["--latency", "uniform:10-30.5", "--loss", "0.05", "--duplicate", "0.001"],
      ...["--partition", "5001>5002@1-2.5", "--partition", "5002>5001@1-2.5"],
      ...["--partition", "5003>5002@0.5-1"],
      ...["--curve", "/tmp/run/keys"],
      "--io-thread",
    ]);
  });

  it("read the arguments run wrote before the contract had one module, as a hand reading gives", async () => {
    // The argv of the old run/trial.ts for VM 5001 of a standard trial with a two-way cut.
    const args = [
      ...["vm", "--port", "5001", "--others", "5002", "5003", "--trial", "2", "--duration", "60"],
      ...["--start-at", String(NOW), "--seed", "1", "--rate-min", "1", "--rate-max", "6"],
      ...["--multiplier", "1", "--event-range", "10", "--transport", "tcp", "--host", "127.0.0.1"],
      ...["--log-dir", "out", "--drain", "500", "--gap-timeout", "1000", "--quiet", "--force"],
      ...["--latency", "20", "--partition", "5001-5002@10-20"],
    ];
    const config = fromVmArgs(await parseVm(args), NOW, () => 99);
    assert.deepEqual(config, {
      self: loopback(5001),
      peers: [loopback(5002), loopback(5003)],
      trial: 2,
      durationS: 60,
      rate: { fixed: undefined, min: 1, max: 6, multiplier: 1 },
      seed: 1,
      eventRange: 10,
      startAt: NOW,
      logDir: "out",
      transport: "tcp",
      gapTimeoutMs: 1000,
      drainMs: 500,
      faults: {
        latency: { kind: "constant", ms: 20 },
        loss: 0,
        duplicate: 0,
        partitions: [
          { from: "5001", to: "5002", startS: 10, endS: 20 },
          { from: "5002", to: "5001", startS: 10, endS: 20 },
        ],
      },
      fresh: false,
      curveDir: undefined,
      ioThread: false,
    });
    // The same VM written by toVmArgs: every flag above, the cut as its two one-way halves.
    assert.deepEqual(await roundTrip(config), config);
  });

  it("name fields, not flags, in their errors", async () => {
    const base = ["vm", "--port", "5001", "--others", "5002"];
    const refused = async (args: string[], field: string, message: RegExp) => {
      const flags = await parseVm(args);
      assert.throws(
        () => fromVmArgs(flags, NOW, () => 1),
        (err: unknown) =>
          err instanceof Error &&
          (err as { fault?: { field: unknown } }).fault?.field === field &&
          message.test(err.message),
      );
    };
    await refused(["vm", "--port", "5001", "--others", "5001"], "peers", /^peers: .* \(or as port\)$/);
    await refused([...base, "--start-at", "5"], "startAt", /^startAt: expected wall time/);
    await refused([...base, "--transport", "tcp", "--curve", "k"], "curveDir", /got transport tcp$/);
    await refused([...base, "--loss", "2"], "loss", /^loss: expected a probability/);
  });
});
