import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { normalizeSingleDash } from "../../src/cli/parse.js";
import { main } from "../../src/cli/program.js";
import { readLog } from "../../src/log/reader.js";
import type { StartRecord } from "../../src/log/schema.js";
import { createMemoryTransport, MemoryNetwork } from "../../src/transport/memory.js";
import type { TransportFactory } from "../../src/transport/transport.js";
import { captureIo } from "../helpers/io.js";

const dir = mkdtempSync(join(tmpdir(), "clocklab-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const memoryRegistry = () => {
  const network = new MemoryNetwork();
  const factory: TransportFactory = (options) => createMemoryTransport({ ...options, network });
  return new Map([["memory", factory]]);
};

describe("clocklab vm arguments", () => {
  const usage: [string[], RegExp][] = [
    [["vm", "--port", "abc"], /--port: expected an integer 1-65535, got "abc"/],
    [["vm", "--port", "70000"], /--port: expected an integer 1-65535, got "70000"/],
    [["vm", "--port", "5001", "--duration", "0"], /^clocklab: --duration: expected a number > 0, got "0"$/],
    [["vm", "--port", "5001", "--others", "x:y"], /--others: expected PORT or HOST:PORT, got "x:y"/],
    [
      ["vm", "--port", "5001", "--others", "5002", "5003", "--event-range", "2"],
      /--event-range: expected an integer >= 3/,
    ],
    [["vm", "--port", "5001", "--others", "5001"], /--others: every VM needs its own port/],
    [
      ["vm", "--port", "5001", "--transport", "carrier-pigeon"],
      /^clocklab: --transport: expected one of memory, got "carrier-pigeon"$/,
    ],
    [
      ["vm", "--port", "5001", "--start-at", "1700000"],
      /--start-at: expected wall time in ms within an hour of now/,
    ],
    [
      ["vm", "--port", "5001", "--rate-min", "5", "--rate-max", "2"],
      /--rate-min\/--rate-max: expected integers with 1 <= min <= max/,
    ],
    [
      ["vm", "--port", "5001", "--bogus"],
      /^clocklab: --bogus: unknown option of vm; see clocklab vm --help$/,
    ],
    [
      ["vm", "--port", "5001", "--transport", "memory", "--curve", "keys"],
      /--curve: only the zmq transport authenticates, got --transport memory/,
    ],
    [["keys", "--ports", "5001,x"], /--ports: expected ports 1-65535 separated by commas, got "5001,x"/],
    [["keys", "--ports", "5001,5001"], /--ports: a port is listed twice/],
    [["keys", "--vms", "3", "--base-port", "65535"], /--base-port: 65535 leaves too few ports/],
  ];
  for (const [args, pattern] of usage) {
    it(`refuses ${args.join(" ")} with one line and exit 2`, async () => {
      const io = captureIo();
      assert.equal(await main(args, io, memoryRegistry()), 2);
      assert.equal(io.errs.length, 1, io.errs.join("\n"));
      assert.match(io.errs[0] ?? "", pattern);
      assert.doesNotMatch(io.errs[0] ?? "", /\n\s+at /, "stack trace printed");
    });
  }

  it("turns the original single-dash spellings into long options, and leaves the rest", () => {
    const names = new Set(["port", "others", "trial", "duration", "multiplier", "overridefreq"]);
    assert.deepEqual(
      normalizeSingleDash(["vm", "-port", "5001", "-others", "5002", "-h", "-x", "-5"], names),
      ["vm", "--port", "5001", "--others", "5002", "-h", "-x", "-5"],
    );
  });

  it("prints help that teaches, exit 0", async () => {
    const io = captureIo();
    assert.equal(await main(["vm", "--help"], io, memoryRegistry()), 0);
    const help = io.outs.join("\n");
    assert.match(help, /--overridefreq/);
    assert.match(help, /Examples:/);
  });

  it("runs the original command line in-process and logs start, ticks and stop", async () => {
    const io = captureIo();
    const args = "vm -port 5001 -others 5002 5003 -trial 2 -duration 1 -multiplier 2 -overridefreq 3";
    const code = await main([...args.split(" "), "--log-dir", dir, "--drain", "0"], io, memoryRegistry());
    assert.equal(code, 0, io.errs.join("\n"));
    assert.deepEqual(readdirSync(dir), ["trial-2_vm-5001_rate-6.jsonl"]);
    const records = readLog(join(dir, "trial-2_vm-5001_rate-6.jsonl")).map((l) => l.record);
    const start = records[0] as StartRecord;
    assert.equal(start.event, "start");
    assert.equal(start.rate, 6);
    assert.deepEqual(start.peers, ["5002", "5003"]);
    assert.equal(start.transport, "memory");
    assert.equal(records.filter((r) => "tick" in r).length, 6);
    assert.equal(records.at(-1)?.event, "stop");
  });
});
