import { formatNumber } from "./table.js";
import type { TrialAnalysis } from "./trial.js";

/** One sentence per crashed VM process of a trial, plus what went down with them. */
export function crashLines(t: TrialAnalysis): string[] {
  const lines = t.crashes.map((c) => {
    const died = `vm ${c.vm} (epoch ${c.epoch}) died after tick ${c.afterTick}`;
    const back =
      c.restartedAt === undefined
        ? "never restarted"
        : `restarted ${formatNumber((c.restartedAt - c.at) / 1000)} s later with epoch ${c.newEpoch}` +
          (c.tornBytes > 0 ? `, cutting a torn line of ${c.tornBytes} bytes` : "");
    return `${died}, ${back}; its peers sent it ${c.sentWhileDown} message(s) while it was down`;
  });
  if (t.crashes.length > 0) {
    lines.push(
      `messages lost with the crashes (unaccounted on links with a crashed end): ${t.lostWithCrashes}`,
    );
  }
  return lines;
}

/** What a datagram transport lost unseen in a trial, as a sentence; undefined when nothing. */
export function transitLine(t: TrialAnalysis): string | undefined {
  return t.lostInTransit > 0
    ? `lost in transit: ${t.lostInTransit} message(s) sent over a datagram transport, never received and not given up on as a gap (lost after the last one received, or still awaited when the trial ended)`
    : undefined;
}
