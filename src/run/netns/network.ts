import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { SetupError } from "../../base/errors.js";
import {
  cutAt,
  cutCommands,
  cutMoments,
  type Drops,
  dropCounts,
  NFT_TABLE,
  needsNft,
  nftRuleset,
  qdiscArgs,
} from "./rules.js";
import { type NetConditions, NO_NETEM } from "./spec.js";
import { pickSubnet } from "./subnet.js";

/** A run's network as run.json records it. */
export interface NetworkRecord {
  /** Part of every name the run makes, so two runs cannot collide. */
  tag: string;
  /** The namespace holding the bridge (and the nftables table, when there is one). */
  hub: string;
  bridge: string;
  /** The run's /24, e.g. 10.213.7.0/24. */
  subnet: string;
  /** Whether this kernel has netem (kernel delay and jitter); detected when the run starts. */
  netem: boolean;
  vms: { vm: string; namespace: string; address: string; link: string }[];
  conditions: NetConditions;
  /** Packets the kernel dropped in each trial so far (with nftables rules only). */
  drops: ({ experiment: string; trial: number } & Drops)[];
}

/** The network of one run: where each VM lives, its conditions, and how it all goes away. */
export interface RunNetwork {
  record: NetworkRecord;
  /** The address of VM `id`. */
  address(id: string): string;
  /** The command that runs a program inside VM `id`'s namespace (it execs the program). */
  prefix(id: string): string[];
  /** Cuts and heals the partitions of a trial whose first tick is at `startAt` (ms) on time. */
  trialStarted(startAt: number, onError: (message: string) => void): void;
  /** Stops the trial's timers, counts its drops into `record`, heals every cut for the next trial. */
  trialEnded(experiment: string, trial: number): void;
  /** Deletes every namespace of the run (with them their links, bridge, qdiscs and rules). */
  remove(): void;
}

const BRIDGE = "br0";
const PACKAGES: Readonly<Record<string, string>> = { ip: "iproute2", tc: "iproute2", nft: "nftables" };

/** Runs a tool to its end; its refusal is a SetupError of field `netns` with the tool's words. */
function tool(cmd: string, args: string[], input?: string): string {
  try {
    return execFileSync(cmd, args, { input, stdio: ["pipe", "pipe", "pipe"], encoding: "utf8" });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const detail =
      e.code === "ENOENT"
        ? `\`${cmd}\` not found (Debian package ${PACKAGES[cmd] ?? cmd})`
        : `\`${cmd} ${args.join(" ")}\` failed: ${(e.stderr || e.message).trim().split("\n")[0]}`;
    throw new SetupError({ field: "netns", detail }, { cause: err });
  }
}

/** Whether the kernel takes a netem qdisc: tried on the hub's loopback, then taken away. */
function hasNetem(hub: string): boolean {
  try {
    execFileSync("tc", ["-n", hub, "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"], {
      stdio: "ignore",
    });
  } catch {
    return false;
  }
  tool("tc", ["-n", hub, "qdisc", "del", "dev", "lo", "root"]);
  return true;
}

/** Destinations of the machine's routes, to keep the run's subnet clear of them. */
function machineRoutes(): string[] {
  const routes = JSON.parse(tool("ip", ["-j", "-4", "route", "show", "table", "all"]) || "[]") as {
    dst?: string;
  }[];
  return routes.flatMap((r) => (r.dst === undefined ? [] : [r.dst]));
}

/**
 * Makes the network of a run of VMs `ids`: a hub namespace with a bridge, one namespace per VM
 * joined to it by a veth pair, addresses of a private /24, and the conditions (tc on each VM's
 * link, nftables on the bridge). On any failure it removes what it made and throws.
 */
export function setupNetwork(ids: readonly string[], conditions: NetConditions): RunNetwork {
  const tag = randomBytes(3).toString("hex");
  const hub = `clocklab-${tag}-hub`;
  const subnet = pickSubnet(machineRoutes());
  const vms = ids.map((vm, i) => ({
    vm,
    namespace: `clocklab-${tag}-${vm}`,
    address: `${subnet}.${i + 1}`,
    link: `v${vm}`,
  }));
  const byId = new Map(vms.map((v) => [v.vm, v]));
  const address = (id: string): string => byId.get(id)?.address ?? "";
  const made: string[] = [];
  const timers: NodeJS.Timeout[] = [];
  const remove = (): void => {
    for (const t of timers.splice(0)) clearTimeout(t);
    for (const ns of made.splice(0).reverse()) {
      try {
        execFileSync("ip", ["netns", "del", ns], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
  };
  const nft = (text: string): void => void tool("ip", ["netns", "exec", hub, "nft", "-f", "-"], text);
  let netem = false;
  try {
    for (const ns of [hub, ...vms.map((v) => v.namespace)]) {
      tool("ip", ["netns", "add", ns]);
      made.push(ns);
    }
    netem = hasNetem(hub);
    if (conditions.delay !== undefined && !netem) {
      throw new SetupError({ field: "netDelay", detail: NO_NETEM });
    }
    tool("ip", ["-n", hub, "link", "add", BRIDGE, "type", "bridge"]);
    tool("ip", ["-n", hub, "link", "set", BRIDGE, "up"]);
    for (const v of vms) {
      // Made inside the hub, one end moved into the VM's namespace: nothing touches the machine's.
      tool("ip", [
        "-n",
        hub,
        "link",
        "add",
        v.link,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        v.namespace,
      ]);
      tool("ip", ["-n", hub, "link", "set", v.link, "master", BRIDGE, "up"]);
      tool("ip", ["-n", v.namespace, "addr", "add", `${v.address}/24`, "dev", "eth0"]);
      tool("ip", ["-n", v.namespace, "link", "set", "eth0", "up"]);
      tool("ip", ["-n", v.namespace, "link", "set", "lo", "up"]);
      const qdisc = qdiscArgs(conditions, "eth0");
      if (qdisc !== undefined) tool("tc", ["-n", v.namespace, ...qdisc]);
    }
    if (needsNft(conditions)) nft(nftRuleset(conditions, address));
  } catch (err) {
    remove();
    throw err;
  }
  const record: NetworkRecord = {
    tag,
    hub,
    bridge: BRIDGE,
    subnet: `${subnet}.0/24`,
    netem,
    vms,
    conditions,
    drops: [],
  };
  const counted: Drops = { loss: 0, partition: 0 };
  const trialEnded = (experiment: string, trial: number): void => {
    for (const t of timers.splice(0)) clearTimeout(t);
    if (!needsNft(conditions)) return;
    if (conditions.partitions.length > 0) nft(cutCommands([], address));
    const now = dropCounts(
      tool("ip", ["netns", "exec", hub, "nft", "-j", "list", "table", "bridge", NFT_TABLE]),
    );
    record.drops.push({
      experiment,
      trial,
      loss: now.loss - counted.loss,
      partition: now.partition - counted.partition,
    });
    Object.assign(counted, now);
  };
  return {
    record,
    address,
    prefix: (id) => ["ip", "netns", "exec", byId.get(id)?.namespace ?? ""],
    trialStarted(startAt, onError) {
      for (const atS of cutMoments(conditions)) {
        const apply = (): void => {
          // Asynchronous: the orchestrator's view keeps drawing while nft runs.
          const child = execFile("ip", ["netns", "exec", hub, "nft", "-f", "-"], (err, _out, stderr) => {
            if (err !== null) onError(`partition at ${atS} s: ${(stderr || err.message).trim()}`);
          });
          child.stdin?.end(cutCommands(cutAt(conditions, atS), address));
        };
        timers.push(setTimeout(apply, Math.max(0, startAt + atS * 1000 - Date.now())));
      }
    },
    trialEnded,
    remove,
  };
}
