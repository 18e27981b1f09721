import { KINDS, type TrialDiagram } from "../format.js";
import type { Relation } from "./causal.js";

const vcText = (d: TrialDiagram, i: number) =>
  `[${d.vms.map((v, x) => `${v.id}: ${d.vc[i * d.vms.length + x]}`).join(", ")}]`;

/** What one event is, in a sentence or two, for the info panel. */
export function eventText(d: TrialDiagram, i: number, name: string): string {
  const vm = d.vms[d.vm[i] as number]?.id ?? "?";
  const kind = KINDS[d.kind[i] as number] ?? "?";
  const at = ((d.t[i] as number) / 1000).toFixed(3);
  let text = `${name} = VM ${vm}, tick ${d.tick[i]} (${kind}) at ${at} s: Lamport clock ${d.clock[i]}, vector clock ${vcText(d, i)}.`;
  if (kind === "receive") {
    const from = d.vms[d.from[i] as number]?.id ?? "?";
    const src = d.sendOf[i] as number;
    const wait = ((d.t[i] as number) - (d.arrived[i] as number)) / 1000;
    const sent =
      src >= 0 ? ` sent at clock ${d.clock[src]} (${((d.t[src] as number) / 1000).toFixed(3)} s),` : "";
    text += ` The message from ${from}${sent} waited ${wait.toFixed(3)} s in the queue.`;
    const jump = d.jump[i] as number;
    if (jump > 0) text += ` The clock jumped: ${jump} value(s) skipped.`;
  }
  return text;
}

const SYMBOL: Record<Relation, string> = {
  "a->b": "a → b",
  "b->a": "b → a",
  concurrent: "concurrent",
  same: "the same event",
};

/** The verdict on a and b with the vector-clock reason, and what Lamport values alone would say. */
export function verdictText(d: TrialDiagram, a: number, b: number, r: Relation): string {
  const k = d.vms.length;
  const entries = d.vms.map((v, x) => ({
    id: v.id,
    a: d.vc[a * k + x] as number,
    b: d.vc[b * k + x] as number,
  }));
  const lamport = `Lamport values ${d.clock[a]} and ${d.clock[b]}`;
  if (r === "a->b" || r === "b->a") {
    const [lo, hi] = r === "a->b" ? ["a", "b"] : ["b", "a"];
    return `${SYMBOL[r]}: ${lo} happened before ${hi}, every entry of vc(${lo}) ≤ vc(${hi}) (${entries
      .map((e) => (r === "a->b" ? `${e.a} ≤ ${e.b}` : `${e.b} ≤ ${e.a}`))
      .join(", ")}); so ${lo}'s Lamport value is smaller too (${lamport}).`;
  }
  if (r === "same") return "a and b are the same event.";
  const up = entries.find((e) => e.a > e.b);
  const down = entries.find((e) => e.a < e.b);
  return `${SYMBOL[r]}: neither happened before the other (entry ${up?.id}: ${up?.a} > ${up?.b}, entry ${down?.id}: ${down?.a} < ${down?.b}). The ${lamport} order them anyway: Lamport clocks cannot tell concurrency.`;
}

export const verdictLabel = (r: Relation) => SYMBOL[r];
