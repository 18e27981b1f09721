import type { TickRecord } from "../log/schema.js";

/** One tick, kept for the space-time window. */
export interface WindowEvent {
  vm: string;
  event: TickRecord["event"];
  t: number;
  clock: number;
  tick: number;
  to?: string[];
  seq?: number[] | number;
  from?: string;
  msgClock?: number;
  sentAt?: number;
  arrivedAt?: number;
}

/** The ticks of every VM in a span of wall time [from, to), at most `max` of them. */
export interface SpaceTimeWindow {
  from: number;
  to: number;
  events: WindowEvent[];
  max: number;
}

/** Never more ticks than this in the window, whatever its length. */
const WINDOW_MAX_EVENTS = 5000;

/** The window starting `offsetMs` after `t0` (the grid's start), `lengthMs` long. */
export function spaceTimeWindow(t0: number, offsetMs: number, lengthMs: number): SpaceTimeWindow {
  const from = t0 + offsetMs;
  return { from, to: from + lengthMs, events: [], max: WINDOW_MAX_EVENTS };
}

/** Keeps the tick `r` of `vm` when it falls in the window and the window is not full. */
export function addToWindow(window: SpaceTimeWindow, vm: string, r: TickRecord): void {
  if (r.t >= window.from && r.t < window.to && window.events.length < window.max) {
    window.events.push(windowEvent(vm, r));
  }
}

function windowEvent(vm: string, r: TickRecord): WindowEvent {
  const base = { vm, event: r.event, t: r.t, clock: r.clock, tick: r.tick };
  if (r.event === "send") return { ...base, to: r.to, seq: r.seq };
  if (r.event === "receive") {
    return {
      ...base,
      from: r.from,
      seq: r.seq,
      msgClock: r.msgClock,
      sentAt: r.sentAt,
      arrivedAt: r.arrivedAt,
    };
  }
  return base;
}
