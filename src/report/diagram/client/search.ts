import { KINDS, type TrialDiagram } from "../format.js";
import { plural } from "./panel.js";

/** One condition of a query; an event matches when it meets them all. */
type Test = (d: TrialDiagram, i: number) => boolean;

const KIND_WORDS: Record<string, number> = { internal: 0, send: 1, receive: 2, recv: 2 };

/**
 * Parses a query: words separated by spaces, each a VM id (`5001`), a kind (`send`, `receive`,
 * `internal`), `jump`, or `clock:N`, `tick:N`, `vm:ID`, `from:ID`; a bare number that is not a
 * VM id is a Lamport value. Returns the conditions, or the word it could not read.
 */
export function parseQuery(d: TrialDiagram, query: string): Test[] | string {
  const tests: Test[] = [];
  const lane = (id: string) => d.vms.findIndex((v) => v.id === id);
  for (const word of query
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "")) {
    const [key, value] = word.includes(":") ? word.split(":", 2) : ["", word];
    const n = Number(value);
    if (key === "" && lane(word) >= 0) {
      const l = lane(word);
      tests.push((dd, i) => dd.vm[i] === l);
    } else if (key === "" && word in KIND_WORDS) {
      const k = KIND_WORDS[word];
      tests.push((dd, i) => dd.kind[i] === k);
    } else if (key === "" && word === "jump") {
      tests.push((dd, i) => (dd.jump[i] as number) > 0);
    } else if ((key === "" || key === "clock") && Number.isInteger(n) && value !== "") {
      tests.push((dd, i) => dd.clock[i] === n);
    } else if (key === "tick" && Number.isInteger(n)) {
      tests.push((dd, i) => dd.tick[i] === n);
    } else if ((key === "vm" || key === "from") && lane(value ?? "") >= 0) {
      const l = lane(value ?? "");
      tests.push(key === "vm" ? (dd, i) => dd.vm[i] === l : (dd, i) => dd.from[i] === l);
    } else {
      return word;
    }
  }
  return tests;
}

/** Indexes of the events meeting every test (none for an empty query). */
export function find(d: TrialDiagram, tests: Test[]): number[] {
  if (tests.length === 0) return [];
  const out: number[] = [];
  for (let i = 0; i < d.vm.length; i++) if (tests.every((t) => t(d, i))) out.push(i);
  return out;
}

/** A line naming an event, for lists and the info panel. */
export function describe(d: TrialDiagram, i: number): string {
  const vm = d.vms[d.vm[i] as number]?.id ?? "?";
  const kind = KINDS[d.kind[i] as number] ?? "?";
  const from = d.from[i] as number;
  const peer = kind === "receive" && from >= 0 ? ` from ${d.vms[from]?.id}` : "";
  const clock = d.clock[i] as number;
  const jump = d.jump[i] as number;
  // A jump as the drawing's "+n" says it, and as a step from the clock before.
  const jumped =
    jump > 0 ? ` (+${jump}: jumped from ${clock - jump - 1}, ${plural(jump, "value")} skipped)` : "";
  return `VM ${vm} tick ${d.tick[i]}: ${kind}${peer}, clock ${clock}${jumped}, at ${((d.t[i] as number) / 1000).toFixed(3)} s`;
}
