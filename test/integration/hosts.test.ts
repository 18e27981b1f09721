import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { writeKeys } from "../../src/transport/curve.js";
import { type Hosts, makeHosts } from "../helpers/netns.js";
import { killAll, startCli } from "../helpers/processes.js";
import { analyzeFolder } from "../helpers/trial-logs.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-hosts-"));
let hosts: Hosts | undefined;
let unavailable: string | undefined;
try {
  hosts = makeHosts(3);
} catch (err) {
  unavailable = err instanceof Error ? err.message : String(err);
}
after(() => {
  killAll();
  hosts?.remove();
  if (process.env.CLOCKLAB_KEEP === undefined) rmSync(root, { recursive: true, force: true });
});

const PORTS = [5001, 5002, 5003];

describe("several hosts (network namespaces joined by veth links)", () => {
  for (const variant of [
    { transport: "zmq", curve: true },
    { transport: "tcp", curve: false },
  ]) {
    const name = `${variant.transport}${variant.curve ? " with --curve" : ""}: one VM per host, HOST:PORT peers, logs pass every check`;
    it(name, { skip: unavailable && `network namespaces not permitted here (${unavailable})` }, async () => {
      const h = hosts as Hosts;
      const dir = join(root, variant.transport);
      const keys = join(root, `${variant.transport}-keys`);
      if (variant.curve) writeKeys(keys, PORTS.map(String));
      const startAt = Date.now() + 4000;
      const vms = PORTS.map((port, i) =>
        startCli(
          [
            "vm",
            "--port",
            String(port),
            "--host",
            h.ips[i] as string,
            "--others",
            ...PORTS.flatMap((p, k) => (k === i ? [] : [`${h.ips[k]}:${p}`])),
            "--transport",
            variant.transport,
            "--duration",
            "3",
            // Equal rates, and every drawn event a send: each VM sends in about 40 % of its ticks,
            // so every link carries messages (with a slow VM, fast peers can keep it busy receiving).
            "--overridefreq",
            "6",
            "--event-range",
            "3",
            "--seed",
            "11",
            "--start-at",
            String(startAt),
            "--log-dir",
            dir,
            "--quiet",
            ...(variant.curve ? ["--curve", keys] : []),
          ],
          40_000,
          ["ip", "netns", "exec", h.names[i] as string],
        ),
      );
      for (const done of await Promise.all(vms.map((v) => v.done))) assert.equal(done.code, 0, done.stderr);
      const analysis = await analyzeFolder(dir);
      for (const check of analysis.checks) {
        assert.ok(check.ok, `${check.name}: ${JSON.stringify(check.violations)}`);
      }
      assert.equal(analysis.vms.length, 3);
      for (const vm of analysis.vms) {
        assert.ok(vm.events.receive > 0, `${vm.vm} heard from its peers across hosts`);
        assert.equal(vm.rejected, 0);
      }
    });
  }
});
