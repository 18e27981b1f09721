import { readLogLines } from "../log/reader.js";
import { BufferedFile } from "./buffered-file.js";
import type { TrialFiles } from "./discover.js";

/**
 * ShiViz parses each event with this regex: host, vector clock (JSON), event name, and extra
 * fields (Lamport clock, wall time in ms, queue length, and the message details).
 */
export const SHIVIZ_REGEX =
  "(?<host>\\S+) (?<clock>\\{[^}]*\\}) (?<event>\\S+) lamport=(?<lamport>\\d+) t=(?<time>[\\d.]+) queue=(?<queue>\\d+)(?<detail>.*)";

/** Separates executions: one per trial. */
export const SHIVIZ_DELIMITER = "^=== (?<trace>.*) ===$";

/**
 * Writes a log ShiViz can upload: the parsing regex on the first line, the execution delimiter
 * on the second, an empty line, then one execution per trial, each tick one line.
 */
export async function writeShiviz(path: string, groups: TrialFiles[]): Promise<string> {
  const out = new BufferedFile(path, "shiviz");
  out.line(SHIVIZ_REGEX);
  out.line(SHIVIZ_DELIMITER);
  out.line("");
  for (const group of groups) {
    out.line(`=== ${group.experiment === "." ? "" : `${group.experiment} `}trial ${group.trial} ===`);
    for (const file of group.files) {
      let vm = "";
      for (const { record: r } of readLogLines(file)) {
        if (r.event === "start") vm = r.vm;
        if (r.event !== "internal" && r.event !== "send" && r.event !== "receive") continue;
        const detail =
          r.event === "send"
            ? ` to=${r.to.join(",")} seq=${r.seq.join(",")}`
            : r.event === "receive"
              ? ` from=${r.from} seq=${r.seq} msgClock=${r.msgClock}`
              : "";
        out.line(
          `${vm} ${JSON.stringify(r.vc)} ${r.event} lamport=${r.clock} t=${r.t} queue=${r.queue}${detail}`,
        );
      }
    }
  }
  out.close();
  return out.path;
}
