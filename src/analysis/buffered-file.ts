import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { SetupError } from "../errors.js";

/** Appends text to a file in chunks of about 1 MiB, so exports of big runs stream to disk. */
export class BufferedFile {
  readonly #fd: number;
  #chunk: string[] = [];
  #size = 0;

  constructor(
    readonly path: string,
    flag: string,
  ) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#fd = openSync(path, "w");
    } catch (err) {
      throw new SetupError(
        `${flag}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
        {
          cause: err,
        },
      );
    }
  }

  line(text: string): void {
    this.#chunk.push(text, "\n");
    this.#size += text.length + 1;
    if (this.#size > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.#chunk.length === 0) return;
    writeSync(this.#fd, this.#chunk.join(""));
    this.#chunk = [];
    this.#size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.#fd);
  }
}
