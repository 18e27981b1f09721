import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { SetupError, UsageError } from "../base/errors.js";
import { defaultRegistry } from "../transport/registry.js";
import { REJECT_BURST, rejectSender } from "../vm/reject-limiter.js";
import { FrameDecoder } from "../wire/fast/decode.js";
import type { RejectReason } from "../wire/message.js";
import type { FromIoThread, IoThreadData, Refusal, ToIoThread } from "./io-thread.js";

/**
 * The I/O thread of a VM process (started by io-thread.ts): runs the transport, decodes
 * and checks every frame that arrives, and hands the main thread only the frames that hold a
 * valid message and the refusals, counted. A flood of bad frames is then this thread's work
 * alone; the main thread, which keeps the ticks on time, sees a few batches a millisecond.
 */
/**
 * What arrived since the last batch: valid frames, and refusals, a reject key's first
 * REJECT_BURST one by one (so that the main thread's RejectLimiter writes them in full as it
 * would have), after those a key's refusals of one batch as one count with the latest's detail,
 * which is all the limiter keeps of them. `send` gets each batch, once per turn of the thread's
 * loop, not once per frame.
 */
class Batch {
  #frames: Uint8Array[] = [];
  #oneByOne: Refusal[] = [];
  #counted = new Map<string, Refusal>();
  /** Refusals of each reject key sent one by one so far. */
  readonly #sentSingly = new Map<string, number>();
  #due = false;

  constructor(
    private readonly peers: ReadonlySet<string>,
    private readonly send: (batch: Extract<FromIoThread, { kind: "input" }>, transfer: ArrayBuffer[]) => void,
  ) {}

  frame(frame: Uint8Array): void {
    // A copy of its own: the transport's buffer may be a slice of a larger one.
    this.#frames.push(new Uint8Array(frame));
    this.#arrived();
  }

  refuse(reason: RejectReason, detail: string, from: string | undefined): void {
    const key = `${reason}\0${rejectSender(this.peers, from)}`;
    const singly = this.#sentSingly.get(key) ?? 0;
    if (singly < REJECT_BURST) {
      this.#sentSingly.set(key, singly + 1);
      this.#oneByOne.push({ reason, detail, from, count: 1 });
    } else {
      const held = this.#counted.get(key);
      if (held === undefined) this.#counted.set(key, { reason, detail, from, count: 1 });
      else {
        held.count += 1;
        held.detail = detail;
        held.from = from;
      }
    }
    this.#arrived();
  }

  /** Sends what is held now, if anything. */
  flush(): void {
    if (!this.#due) return;
    this.#due = false;
    const frames = this.#frames;
    this.send(
      { kind: "input", frames, refused: [...this.#oneByOne, ...this.#counted.values()] },
      frames.map((f) => f.buffer as ArrayBuffer),
    );
    this.#frames = [];
    this.#oneByOne = [];
    this.#counted = new Map();
  }

  #arrived(): void {
    if (this.#due) return;
    this.#due = true;
    setImmediate(() => this.flush());
  }
}

/** Runs the transport named in `data`, answering the main thread on `port`, until it is closed. */
async function serve(port: MessagePort, { transport: name, options }: IoThreadData): Promise<void> {
  const self = options.self.id;
  const peers: ReadonlySet<string> = new Set(options.peers.map((p) => p.id));
  const decoder = new FrameDecoder();
  const batch = new Batch(peers, (message, transfer) => port.postMessage(message, transfer));
  const transport = defaultRegistry().get(name)?.(options);

  port.on("message", (m: ToIoThread) => {
    if (m.kind === "send") transport?.send(m.peer, m.frame);
    else
      void transport?.close(m.lingerMs).then((unsent) => {
        batch.flush();
        port.postMessage({ kind: "closed", unsent } satisfies FromIoThread);
        port.close();
      });
  });

  try {
    if (transport === undefined)
      throw new SetupError({ field: "transport", detail: `unknown transport "${name}"` });
    await transport.start({
      frame: (frame, senderHint) => {
        const result = decoder.decode(frame, { self, peers, senderHint });
        if (result.ok) batch.frame(frame);
        else batch.refuse(result.reason, result.detail, result.from ?? senderHint);
      },
      fault: (detail) => batch.refuse("handshake", detail, undefined),
    });
    port.postMessage({ kind: "started" } satisfies FromIoThread);
  } catch (err) {
    // The transport's own error, told again on the main thread (io-thread.ts): a typed one with
    // the input it names, so the CLI says it with the flag, as it would without the thread.
    const typed = err instanceof SetupError || err instanceof UsageError ? err : undefined;
    const fault = typed?.fault;
    port.postMessage({
      kind: "failed",
      usage: err instanceof UsageError,
      message: err instanceof Error ? err.message : String(err),
      exitCode: typed?.exitCode ?? 1,
      ...(fault !== undefined && typeof fault.detail === "string"
        ? { fault: { field: fault.field, detail: fault.detail, ...(fault.hint ? { hint: fault.hint } : {}) } }
        : {}),
    } satisfies FromIoThread);
    port.close();
  }
}

if (parentPort === null) throw new Error("io-worker.ts runs as a worker thread (host/io-thread.ts)");
await serve(parentPort, workerData as IoThreadData);
