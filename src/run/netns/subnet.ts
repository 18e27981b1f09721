import { randomBytes } from "node:crypto";

/**
 * A private /24 for a run's namespaces. The namespaces are joined to nothing of the machine, so a
 * clash could not misroute anything; it is still avoided so that an address in a log or run.json
 * is never mistaken for one of the machine's.
 */

/** [network as a 32-bit number, prefix length] of "a.b.c.d/n" (a bare address is /32). */
function cidr(text: string): [number, number] | undefined {
  const [addr, len = "32"] = text.split("/");
  const parts = (addr ?? "").split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) return undefined;
  const n = parts.reduce((acc, p) => acc * 256 + p, 0);
  return [n, Number(len)];
}

function overlaps(x: [number, number], y: [number, number]): boolean {
  const len = Math.min(x[1], y[1]);
  const block = 2 ** (32 - len);
  return Math.floor(x[0] / block) === Math.floor(y[0] / block);
}

/**
 * The first of `tries` random subnets 10.200-249.X.0/24 that overlaps none of `routes` (the
 * destinations of `ip -j route show table all`; "default" is none), as its first three octets.
 */
export function pickSubnet(routes: readonly string[], draw = () => randomBytes(2), tries = 64): string {
  const taken = routes.map(cidr).filter((c) => c !== undefined);
  for (let i = 0; i < tries; i++) {
    const [x = 0, y = 0] = draw();
    const prefix = `10.${200 + (x % 50)}.${y}`;
    const net = cidr(`${prefix}.0/24`) as [number, number];
    if (!taken.some((t) => overlaps(t, net))) return prefix;
  }
  throw new Error(`no free 10.200-249.x.0/24 among ${tries} tries: every one is routed on this machine`);
}
