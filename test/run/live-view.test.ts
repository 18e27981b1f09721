import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type LiveFrame, renderLive, renderPlain } from "../../src/run/live.js";
import type { VmLive } from "../../src/run/tail.js";

const vm = (id: string, over: Partial<VmLive>): VmLive => ({
  ...{ vm: id, rate: 1, planned: 10, ticks: 0, clock: 0, queue: 0, sent: 0, received: 0, rejected: 0 },
  ...{ stopped: false, lastJump: 0, lastJumpAtS: 0 },
  ...over,
});

const frame = (over: Partial<LiveFrame>): LiveFrame => ({
  experiment: "standard",
  trial: 2,
  trials: 5,
  vms: [
    vm("5001", { rate: 1, ticks: 5, planned: 10, clock: 12, queue: 3, lastJump: 4, lastJumpAtS: 3.25 }),
    vm("5002", { rate: 6, ticks: 30, planned: 60, clock: 31 }),
  ],
  elapsedS: 70,
  totalS: 330,
  trialElapsedS: 6,
  trialS: 11,
  done: false,
  ...over,
});

describe("the terminal's live view", () => {
  it("shows each VM's lag behind the largest clock and its latest jump", () => {
    const text = renderLive(frame({}));
    const row = (id: string) => text.split("\n").find((l) => l.trim().startsWith(id)) ?? "";
    // 31 - 12 = 19 behind; 5002 is the leader.
    assert.match(row("5001"), /^\s+5001\s+1\s+5\/10\s+12\s+19\s+\+4 at 3\.3 s\s+3\s/);
    assert.match(row("5002"), /^\s+5002\s+6\s+30\/60\s+31\s+0\s+-\s+0\s/);
    // 35 of 70 planned ticks: half way; 5 s of the trial and 4:20 of the run left.
    assert.match(text, /\] 50% {2}trial 0:05 left · run 4:20 left$/);
  });

  it("says the trial is done, at 100 %, on its final frame", () => {
    const text = renderLive(frame({ done: true, elapsedS: 75 }));
    assert.match(text, /\[#{40}\] 100% {2}trial 2\/5 done · run 4:15 left$/);
    assert.match(renderPlain(frame({ done: true })), /^standard trial 2\/5 done /);
    const last = renderLive(frame({ trial: 5, done: true, elapsedS: 330 }));
    assert.match(last, /100% {2}trial 5\/5 done$/);
  });

  it("says a trial cut short by Ctrl-C stopped, not done", () => {
    const text = renderLive(frame({ done: true, stopped: true }));
    assert.match(text, /\] 50% {2}trial 2\/5 stopped \(interrupted\)$/);
    assert.match(renderPlain(frame({ done: true, stopped: true })), /^standard trial 2\/5 stopped /);
  });
});
