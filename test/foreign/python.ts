import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type CliProcess, startProcess } from "../helpers/processes.js";

/** Debian's Python, with python3-zmq and python3-msgpack (`.ci/run` installs them). */
export const PYTHON = "/usr/bin/python3";

/** A file of this folder (vm.py, encode.py). */
export const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

/** Why `PYTHON` cannot import `modules` here, or undefined when it can. */
export function pythonMissing(modules: readonly string[]): string | undefined {
  const r = spawnSync(PYTHON, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8", timeout: 10_000 });
  if (r.error !== undefined) return `${PYTHON} cannot run (${r.error.message})`;
  if (r.status !== 0) {
    const why = r.stderr.trim().split("\n").at(-1) ?? "";
    return `${PYTHON} lacks ${modules.join(" or ")} (${why}; Debian: apt-get install python3-zmq python3-msgpack)`;
  }
  return undefined;
}

/**
 * node:test's `skip` for a test that needs Python with `modules`: the reason where they are
 * missing, but never in CI (CI set): there the test runs and fails, since CI installs them.
 */
export function skipWithoutPython(modules: readonly string[]): string | false {
  return process.env.CI ? false : (pythonMissing(modules) ?? false);
}

/** What encode.py writes for each message. */
export interface PythonItem {
  msg: Record<string, unknown>;
  /** `use_single_float=True`: floats as float32. */
  single_float?: boolean;
  /** The vc's keys as Python integers: map keys that are not strings. */
  int_vc_keys?: boolean;
}

/** Each message as Python's `msgpack.packb` writes it. */
export function packWithPython(items: readonly PythonItem[]): Buffer[] {
  const r = spawnSync(PYTHON, [here("encode.py")], {
    input: JSON.stringify(items),
    encoding: "utf8",
    timeout: 10_000,
  });
  if (r.status !== 0) throw new Error(`encode.py failed (${r.status}): ${r.error?.message ?? r.stderr}`);
  return r.stdout
    .trim()
    .split("\n")
    .map((line) => Buffer.from(line, "hex"));
}

/** Starts test/foreign/vm.py with `args`, killed after `limitMs` at the latest and by `killAll`. */
export function startPythonVm(args: string[], limitMs = 30_000): CliProcess {
  return startProcess(PYTHON, [here("vm.py"), ...args], limitMs);
}
