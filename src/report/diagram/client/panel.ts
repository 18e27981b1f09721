import { KINDS, type TrialDiagram } from "../format.js";
import type { Relation } from "./causal.js";

/** "1 value", "3 values". */
export const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

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
    const clock = d.clock[i] as number;
    if (jump > 0)
      text += ` The clock jumped from ${clock - jump - 1} to ${clock} (+${jump}: ${plural(jump, "value")} skipped).`;
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
  if (r === "same") return "a and b are the same event.";
  if (r === "a->b" || r === "b->a") {
    const [lo, hi] = r === "a->b" ? ["a", "b"] : ["b", "a"];
    const pairs = entries.map((e) =>
      r === "a->b" ? `${e.id}: ${e.a} ≤ ${e.b}` : `${e.id}: ${e.b} ≤ ${e.a}`,
    );
    return `${SYMBOL[r]}: ${lo} happened before ${hi}. Every entry of vc(${lo}) is ≤ the same entry of vc(${hi}) (${pairs.join(", ")}), and they differ; so ${lo}'s Lamport value is smaller too (${d.clock[lo === "a" ? a : b]} < ${d.clock[lo === "a" ? b : a]}).`;
  }
  const up = entries.find((e) => e.a > e.b);
  const down = entries.find((e) => e.a < e.b);
  return `${SYMBOL[r]}: neither happened before the other. vc(a)[${up?.id}] = ${up?.a} > vc(b)[${up?.id}] = ${up?.b}, but vc(a)[${down?.id}] = ${down?.a} < vc(b)[${down?.id}] = ${down?.b}. Their Lamport values, ${d.clock[a]} and ${d.clock[b]}, put one first all the same: a Lamport clock alone cannot tell that two events are concurrent.`;
}
