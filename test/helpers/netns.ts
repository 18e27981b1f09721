import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

/** Hosts made of network namespaces on one machine: one per VM, all on one private subnet. */
export interface Hosts {
  /** Namespace of host i. */
  names: string[];
  /** Address of host i. */
  ips: string[];
  /** Deletes every namespace (and with them their links). */
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Makes `count` namespaces joined through a bridge that lives in a namespace of its own, so
 * nothing of the machine's own network is touched. Throws (with the reason) where namespaces
 * are not permitted; the caller skips.
 */
export function makeHosts(count: number): Hosts {
  const tag = randomBytes(3).toString("hex");
  const hub = `clk${tag}-hub`;
  const names = Array.from({ length: count }, (_, i) => `clk${tag}-${i}`);
  const subnet = `10.${200 + ((randomBytes(1)[0] ?? 0) % 50)}.${randomBytes(1)[0] ?? 0}`;
  const ips = names.map((_, i) => `${subnet}.${i + 1}`);
  const made: string[] = [];
  const remove = () => {
    for (const ns of made.reverse()) {
      try {
        ip("netns", "del", ns);
      } catch {
        // already gone
      }
    }
  };
  try {
    for (const ns of [hub, ...names]) {
      ip("netns", "add", ns);
      made.push(ns);
    }
    ip("-n", hub, "link", "add", "br0", "type", "bridge");
    ip("-n", hub, "link", "set", "br0", "up");
    names.forEach((ns, i) => {
      // Created inside the hub, then one end moved into the host's namespace.
      ip("-n", hub, "link", "add", `v${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("-n", hub, "link", "set", `v${i}`, "master", "br0", "up");
      ip("-n", ns, "addr", "add", `${ips[i]}/24`, "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
    });
  } catch (err) {
    remove();
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(stderr || (err instanceof Error ? err.message : String(err)));
  }
  return { names, ips, remove };
}

/**
 * Why runs with `--netns` cannot be tested here (not root, namespaces refused, no nft), or false
 * when they can: a test's `skip` value.
 */
export function netnsRefusal(): string | false {
  if (process.getuid?.() !== 0) return "--netns needs root";
  // CI runs as root and installs nftables (.ci/run): there a missing piece fails, never skips.
  if (process.env.CI === "true") return false;
  const probe = `clocklab-probe-${randomBytes(3).toString("hex")}`;
  try {
    ip("netns", "add", probe);
    execFileSync("ip", ["netns", "exec", probe, "nft", "list", "ruleset"], { stdio: "ignore" });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return `network namespaces or nft refused here (${stderr || (err instanceof Error ? err.message : String(err))})`;
  } finally {
    try {
      ip("netns", "del", probe);
    } catch {
      // never made
    }
  }
  return false;
}
