import type { TrialAnalysis } from "../analysis/trial.js";
import { base, type ChartSpec } from "./chart-style.js";
import { spaceTime } from "./diagram/static.js";
import { jumpHistogram, latencyCaption, latencyChart } from "./histograms.js";
import { hasLatency, latencyOverTimeChart } from "./latency-time.js";
import { overTime } from "./over-time.js";

/** One chart of the report: a file-safe name, a title, its spec, and maybe a sentence under it. */
export interface Chart {
  name: string;
  title: string;
  spec: ChartSpec;
  caption?: string;
  /** Made only as an image (--png): the page has the interactive diagram instead. */
  imageOnly?: true;
}

/** Every chart of one experiment. */
export function experimentCharts(experiment: string, trials: TrialAnalysis[]): Chart[] {
  const slug = experiment === "." ? "run" : experiment.replace(/[^A-Za-z0-9_-]+/g, "-");
  const first = trials[0];
  return [
    {
      name: `${slug}-clock`,
      title: "Logical clock vs wall time",
      spec: overTime("Logical clock vs wall time, per trial", "clock", "Lamport clock", trials),
    },
    {
      name: `${slug}-drift`,
      title: "Drift vs wall time",
      spec: overTime(
        "Drift (lag behind the largest clock, seen from outside with the system time), per trial",
        "lag",
        "drift (values behind)",
        trials,
      ),
    },
    {
      name: `${slug}-queue`,
      title: "Queue length vs wall time",
      spec: overTime("Network queue length, per trial", "queue", "messages waiting", trials),
    },
    { name: `${slug}-jumps`, title: "Jump sizes", spec: jumpHistogram(trials) },
    {
      name: `${slug}-latency`,
      title: "Latency",
      spec: latencyChart(trials),
      ...optionalCaption(latencyCaption(trials)),
    },
    ...(hasLatency(trials)
      ? [
          {
            name: `${slug}-latency-time`,
            title: "Latency over time",
            spec: latencyOverTimeChart(trials),
            caption:
              "A reliable stream (zmq, tcp, http) turns a lost packet into a spike: the message after it waits for the retransmission and the ones behind it arrive at once. A datagram bus (udp) keeps its latency and loses the message instead (a gap in the logs).",
          },
        ]
      : []),
    ...(first === undefined
      ? []
      : [
          {
            name: `${slug}-spacetime`,
            title: "Space-time diagram",
            spec: base(...spaceTime(first)),
            imageOnly: true as const,
          },
        ]),
  ];
}

function optionalCaption(caption: string | undefined): { caption?: string } {
  return caption === undefined ? {} : { caption };
}
