import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UsageError } from "../../src/base/errors.js";
import { flagsOf, tellWithFlags } from "../../src/cli/flags.js";
import { netnsConfig } from "../../src/cli/netns-options.js";
import { resolveExperiments } from "../../src/run/config.js";
import {
  cutAt,
  cutCommands,
  cutMoments,
  dropCounts,
  needsNft,
  nftRuleset,
  qdiscArgs,
} from "../../src/run/netns/rules.js";
import { type NetConditions, netConditionsFrom, parseRate } from "../../src/run/netns/spec.js";
import { pickSubnet } from "../../src/run/netns/subnet.js";

const IDS = ["5001", "5002", "5003"];
const address = (id: string) => `10.9.9.${Number(id) - 5000}`;
const NONE: NetConditions = { loss: 0, linkLoss: [], partitions: [] };

function fault(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError && err.fault !== undefined, String(err));
    // The message begins with the field, as cli/ tells it again with the flag's name.
    return err.message;
  }
  assert.fail("no error");
}

describe("--net-* flags", () => {
  it("loss for all links and per link, rate, partitions and delay", () => {
    assert.deepEqual(
      netConditionsFrom(
        {
          loss: ["0.05", "5001-5003:0.5"],
          rate: "1.5mbit",
          partition: ["5001-5002@5-10"],
          delay: "20:5",
        },
        IDS,
      ),
      {
        loss: 0.05,
        linkLoss: [{ a: "5001", b: "5003", p: 0.5 }],
        rateBits: 1_500_000,
        partitions: [{ a: "5001", b: "5002", startS: 5, endS: 10 }],
        delay: { ms: 20, jitterMs: 5 },
      },
    );
    assert.deepEqual(netConditionsFrom({}, IDS), NONE);
    assert.equal(parseRate("500kbit"), 500_000);
    assert.equal(parseRate("2Gbit"), 2_000_000_000);
  });

  it("says what was wrong, naming the field", () => {
    assert.match(
      fault(() => netConditionsFrom({ loss: ["1.5"] }, IDS)),
      /^netLoss: .*got "1.5"/,
    );
    assert.match(
      fault(() => netConditionsFrom({ loss: ["5001-5009:0.1"] }, IDS)),
      /^netLoss: no VM 5009 in this run \(VMs 5001, 5002, 5003\)/,
    );
    assert.match(
      fault(() => netConditionsFrom({ loss: ["5001-5001:0.1"] }, IDS)),
      /two VMs/,
    );
    assert.match(
      fault(() => netConditionsFrom({ rate: "1mb" }, IDS)),
      /^netRate: .*got "1mb"/,
    );
    assert.match(
      fault(() => netConditionsFrom({ rate: "5kbit" }, IDS)),
      /^netRate: /,
    );
    assert.match(
      fault(() => netConditionsFrom({ partition: ["5001-5002@3-2"] }, IDS)),
      /^netPartition: .*END > START/,
    );
    assert.match(
      fault(() => netConditionsFrom({ delay: "5:10" }, IDS)),
      /^netDelay: /,
    );
  });
});

describe("--netns and root", () => {
  it("refuses --netns to anyone but root, in one line naming --netns, before anything is made", () => {
    const experiments = resolveExperiments("standard", {});
    const opts = { netns: true, netLoss: ["0.05"] };
    let caught: unknown;
    try {
      netnsConfig(opts, experiments, 5001, 1000);
    } catch (err) {
      caught = tellWithFlags(err, flagsOf("run"));
    }
    assert.ok(caught instanceof UsageError, String(caught));
    assert.equal(caught.exitCode, 2);
    assert.equal(
      caught.message,
      "--netns: network namespaces need root: run as root (e.g. sudo), or leave it out",
    );
    // As root the same flags make a configuration.
    assert.equal(netnsConfig(opts, experiments, 5001, 0).netns?.loss, 0.05);
  });
});

describe("the rules of the conditions", () => {
  it("nftables: the cut set first, each link's loss (sparing it the all-links loss), then the rest", () => {
    const text = nftRuleset({ ...NONE, loss: 0.05, linkLoss: [{ a: "5001", b: "5003", p: 0.25 }] }, address);
    assert.equal(
      text,
      `table bridge clocklab {
  set cut { type ipv4_addr . ipv4_addr; }
  chain links {
    type filter hook forward priority 0; policy accept;
    ip saddr . ip daddr @cut counter drop
    ip saddr 10.9.9.1 ip daddr 10.9.9.3 numgen random mod 1000000 < 250000 counter drop
    ip saddr 10.9.9.1 ip daddr 10.9.9.3 accept
    ip saddr 10.9.9.3 ip daddr 10.9.9.1 numgen random mod 1000000 < 250000 counter drop
    ip saddr 10.9.9.3 ip daddr 10.9.9.1 accept
    ether type ip numgen random mod 1000000 < 50000 counter drop
  }
}
`,
    );
    assert.equal(needsNft(NONE), false);
    assert.equal(needsNft({ ...NONE, rateBits: 1e6 }), false);
    assert.equal(needsNft({ ...NONE, partitions: [{ a: "5001", b: "5002", startS: 1, endS: 2 }] }), true);
  });

  it("partitions: the set of cut links at each moment a window opens or closes", () => {
    const cond: NetConditions = {
      ...NONE,
      partitions: [
        { a: "5001", b: "5002", startS: 2, endS: 6 },
        { a: "5002", b: "5003", startS: 4, endS: 6 },
      ],
    };
    assert.deepEqual(cutMoments(cond), [2, 4, 6]);
    assert.deepEqual(cutAt(cond, 0), []);
    assert.deepEqual(cutAt(cond, 4), [
      ["5001", "5002"],
      ["5002", "5001"],
      ["5002", "5003"],
      ["5003", "5002"],
    ]);
    assert.deepEqual(cutAt(cond, 6), []);
    assert.equal(
      cutCommands(cutAt(cond, 2), address),
      "flush set bridge clocklab cut\nadd element bridge clocklab cut { 10.9.9.1 . 10.9.9.2, 10.9.9.2 . 10.9.9.1 }\n",
    );
    assert.equal(cutCommands([], address), "flush set bridge clocklab cut\n");
  });

  it("tc: tbf for a rate, netem for delay (with the rate in it), nothing for neither", () => {
    assert.equal(qdiscArgs(NONE, "eth0"), undefined);
    assert.deepEqual(
      qdiscArgs({ ...NONE, rateBits: 1_000_000 }, "eth0")?.join(" "),
      "qdisc add dev eth0 root tbf rate 1000000bit burst 4096 latency 400ms",
    );
    assert.deepEqual(
      qdiscArgs({ ...NONE, rateBits: 1e9, delay: { ms: 20, jitterMs: 5 } }, "eth0")?.join(" "),
      "qdisc add dev eth0 root netem delay 20ms 5ms rate 1000000000bit",
    );
  });

  it("reads the drop counters of nft's JSON listing", () => {
    const rule = (expr: unknown[]) => ({ rule: { family: "bridge", table: "clocklab", expr } });
    const json = JSON.stringify({
      nftables: [
        { metainfo: { version: "1.0.6" } },
        rule([{ match: { right: "@cut" } }, { counter: { packets: 7, bytes: 700 } }, { drop: null }]),
        rule([
          { match: { left: { numgen: { mode: "random" } } } },
          { counter: { packets: 3, bytes: 1 } },
          { drop: null },
        ]),
        rule([
          { match: { left: { numgen: { mode: "random" } } } },
          { counter: { packets: 2, bytes: 1 } },
          { drop: null },
        ]),
        rule([{ accept: null }]),
      ],
    });
    assert.deepEqual(dropCounts(json), { loss: 5, partition: 7 });
  });
});

describe("the run's subnet", () => {
  it("is a 10.200-249.x.0/24 that overlaps none of the machine's routes", () => {
    const draws = [
      [13, 7], // 10.213.7.0/24: inside 10.213.0.0/16
      [14, 7], // 10.214.7.0/24: the exact route
      [15, 8], // 10.215.8.0/24: free (the host route 10.215.9.9 is outside it)
    ];
    let i = 0;
    const draw = () => Buffer.from(draws[i++] ?? [0, 0]);
    const routes = ["default", "10.213.0.0/16", "10.214.7.0/24", "10.215.9.9", "127.0.0.0/8"];
    assert.equal(pickSubnet(routes, draw), "10.215.8");
    assert.throws(() => pickSubnet(["10.0.0.0/8"], draw, 3), /every one is routed/);
  });
});
