/** Where the CLI writes, injected so commands can be tested in-process. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  setExitCode(code: number): void;
}

/** The real terminal. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};
