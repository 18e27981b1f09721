import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { SetupError } from "../base/errors.js";

const CHUNK_BYTES = 1 << 20;

/** Appends text to a file in chunks of about 1 MiB, so exports of big runs stream to disk. */
export class BufferedFile {
  readonly #fd: number;
  /** Lines are encoded straight into this buffer: no joined string per chunk to collect. */
  readonly #buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #size = 0;

  /** `field` names the input that chose the file (`logDir`, `csv`), for the error. */
  constructor(
    readonly path: string,
    field: string,
  ) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#fd = openSync(path, "w");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      throw new SetupError({ field, detail: `cannot write ${path} (${code})` }, { cause: err });
    }
  }

  line(text: string): void {
    // A UTF-16 unit is at most 3 bytes of UTF-8; a line that may not fit goes out on its own.
    if (this.#size + text.length * 3 + 1 > CHUNK_BYTES) {
      this.flush();
      if (text.length * 3 + 1 > CHUNK_BYTES) {
        this.#writeAll(Buffer.from(`${text}\n`, "utf8"));
        return;
      }
    }
    this.#size += this.#buffer.write(text, this.#size, "utf8");
    this.#buffer[this.#size++] = 0x0a;
  }

  flush(): void {
    if (this.#size === 0) return;
    this.#writeAll(this.#buffer.subarray(0, this.#size));
    this.#size = 0;
  }

  #writeAll(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.#fd, bytes, offset, bytes.length - offset);
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}
