import type { Worker } from "node:worker_threads";
import { startWorker } from "../base/entry.js";
import { type FieldHint, SetupError, UsageError } from "../base/errors.js";
import type { Transport, TransportHandlers, TransportOptions } from "../transport/transport.js";
import type { RejectReason } from "../wire/message.js";

/** How long a thread that reported its sockets closed may take to end before it is ended. */
const STUCK_MS = 1000;

/** What starts the I/O thread: a transport of the default registry, by name. */
export interface IoThreadData {
  transport: string;
  options: TransportOptions;
}

/** Refusals of one reject key counted together (`count`), `detail` and `from` the latest's. */
export interface Refusal {
  reason: RejectReason;
  detail: string;
  from: string | undefined;
  count: number;
}

export type ToIoThread =
  | { kind: "send"; peer: string; frame: Uint8Array }
  | { kind: "close"; lingerMs?: number };

export type FromIoThread =
  | { kind: "started" }
  | {
      kind: "failed";
      /** A UsageError (a refused address), else a SetupError. */
      usage: boolean;
      message: string;
      exitCode: number;
      fault?: { field: string | readonly [string, ...string[]]; detail: string; hint?: FieldHint };
    }
  /** Frames that hold a valid message, and what was refused, since the last batch. */
  | { kind: "input"; frames: Uint8Array[]; refused: Refusal[] }
  | { kind: "closed"; unsent: number };

/** Where refusals counted by the I/O thread go: the Machine's `refuse`. */
export type RefuseCounted = (
  reason: RejectReason,
  detail: string,
  from: string | undefined,
  count: number,
) => void;

/**
 * A VM process's transport run in a worker thread (io-worker.ts) that also decodes and checks
 * what arrives: `frame` is called only for frames that hold a valid message (the main thread's
 * inbox decodes them again, on the fast path), and refusals go to `refuse`, counted. A flood of
 * hostile frames then costs the main thread, which ticks, a few batches a millisecond instead
 * of the decoding of every frame. The transport is one of defaultRegistry()'s, by name (a
 * worker cannot be handed a factory); sends cross to the thread, each frame copied once.
 */
export function threadedTransport(name: string, options: TransportOptions, refuse: RefuseCounted): Transport {
  let worker: Worker | undefined;
  let closed: Promise<number> | undefined;
  let ended: Promise<void> = Promise.resolve();
  return {
    name,

    async start(h: TransportHandlers): Promise<void> {
      const thread = startWorker("./io-worker.js", import.meta.url, {
        workerData: { transport: name, options } satisfies IoThreadData,
      });
      worker = thread;
      let unsent: (n: number) => void = () => {};
      closed = new Promise((resolve) => (unsent = resolve));
      ended = new Promise((resolve) => thread.once("exit", () => resolve()));
      await new Promise<void>((resolve, reject) => {
        thread.on("message", (m: FromIoThread) => {
          switch (m.kind) {
            case "started":
              return resolve();
            case "failed":
              return reject(
                m.usage
                  ? new UsageError(m.fault ?? m.message)
                  : new SetupError(m.fault ?? m.message, { exitCode: m.exitCode }),
              );
            case "input":
              for (const frame of m.frames) h.frame(frame, undefined);
              for (const r of m.refused) refuse(r.reason, r.detail, r.from, r.count);
              return;
            case "closed":
              return unsent(m.unsent);
          }
        });
        thread.once("error", (err) => {
          reject(err);
          h.fault(`I/O thread failed: ${err.message}`);
        });
        // A thread that ends without a word (killed, or failed before it spoke) owes no frames,
        // and one that ends before it started must not leave the VM waiting for it.
        thread.once("exit", (code) => {
          unsent(0);
          reject(new Error(`the I/O thread ended (exit code ${code}) before its transport started`));
        });
      });
    },

    send(peer: string, frame: Uint8Array): void {
      if (worker === undefined) throw new Error(`${name} transport: send before start`);
      const copy = new Uint8Array(frame);
      worker.postMessage({ kind: "send", peer, frame: copy } satisfies ToIoThread, [copy.buffer]);
    },

    async close(lingerMs?: number): Promise<number> {
      const thread = worker;
      if (thread === undefined || closed === undefined) return 0;
      worker = undefined;
      thread.postMessage({
        kind: "close",
        ...(lingerMs === undefined ? {} : { lingerMs }),
      } satisfies ToIoThread);
      const unsent = await closed;
      // The thread ends once its sockets are released; one that lingers past that is ended.
      const stuck = setTimeout(() => void thread.terminate(), STUCK_MS);
      await ended;
      clearTimeout(stuck);
      return unsent;
    },
  };
}
