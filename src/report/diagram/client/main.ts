import {
  DATA_ID,
  type DiagramData,
  type PackedTrial,
  ROOT_ID,
  type TrialDiagram,
  unpack,
} from "../format.js";
import { mount } from "./mount.js";

/** The report's diagram: the trials the page carries, each unpacked when first shown. */
function start(): void {
  performance.mark("st-start");
  const root = document.getElementById(ROOT_ID);
  const script = document.getElementById(DATA_ID);
  if (root === null || script === null) return;
  const data = JSON.parse(script.textContent ?? "{}") as DiagramData;
  if (data.trials.length === 0) {
    root.textContent = "No trial has tick events to draw.";
    return;
  }
  // The reader may look at one trial of ten: unpack each on first use only.
  const unpacked = new Map<number, TrialDiagram>();
  mount(root, {
    limitPerTrial: data.limitPerTrial,
    count: () => data.trials.length,
    trial(i) {
      const d = unpacked.get(i) ?? unpack(data.trials[i] as PackedTrial);
      unpacked.set(i, d);
      return d;
    },
  });
}

start();
