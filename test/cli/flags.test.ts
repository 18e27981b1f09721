import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { SetupError, UsageError } from "../../src/base/errors.js";
import { flagsOf, tellWithFlags } from "../../src/cli/flags.js";
import { resolveExperiments } from "../../src/run/config.js";
import { checkRateSpec } from "../../src/vm/rate.js";

const COMMANDS = ["vm", "run", "compare", "sim", "sweep", "keys", "inspect"];

/** The message `err` prints as in `command`. */
function told(err: unknown, command: string): string {
  const out = tellWithFlags(err, flagsOf(command));
  assert.ok(out instanceof Error);
  return out.message;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  assert.fail("nothing was thrown");
}

describe("fields told as flags", () => {
  it("names a field by each command's flag for it", () => {
    const rates = new UsageError({ field: "rates", detail: "too fast" });
    assert.equal(rates.message, "rates: too fast");
    assert.equal(told(rates, "run"), "--rates: too fast");
    assert.equal(told(rates, "sim"), "--rates: too fast");
    assert.equal(told(rates, "vm"), "--overridefreq: too fast");
    const memory = new UsageError({
      field: "memory",
      detail: "too big",
      hint: { field: "force", to: "go on" },
    });
    assert.equal(told(memory, "sim"), "--no-logs: too big (use --force to go on)");
    assert.equal(told(memory, "sweep"), "--duration: too big (use --force to go on)");
    const dir = new SetupError({ field: "dir", detail: "taken" });
    assert.equal(told(dir, "run"), "--curve: taken");
    assert.equal(told(dir, "keys"), "--out: taken");
  });

  it("tells other inputs a detail names with their flags too", () => {
    const err = thrown(() => resolveExperiments("standard", { rates: [1, 2], vms: 3 }));
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, "rates: expected 3 rates (one per VM, vms 3), got 2");
    assert.equal(told(err, "run"), "--rates: expected 3 rates (one per VM, --vms 3), got 2");
    const range = thrown(() => checkRateSpec({ min: 5, max: 2, multiplier: 1 }));
    assert.equal(
      told(range, "vm"),
      "--rate-min/--rate-max: expected integers with 1 <= min <= max, got 5 and 2",
    );
  });

  it("keeps the class, exit code and cause, and leaves other errors alone", () => {
    const cause = new Error("EADDRINUSE");
    const setup = new SetupError({ field: "port", detail: "5001 is already in use" }, { cause, exitCode: 3 });
    const out = tellWithFlags(setup, flagsOf("vm"));
    assert.ok(out instanceof SetupError);
    assert.equal(out.message, "--port: 5001 is already in use");
    assert.equal(out.exitCode, 3);
    assert.equal(out.cause, cause);
    assert.ok(
      tellWithFlags(new UsageError({ field: "port", detail: "x" }), flagsOf("vm")) instanceof UsageError,
    );
    const plain = new UsageError("inspect: no log files");
    assert.equal(tellWithFlags(plain, flagsOf("inspect")), plain);
    const unknown = new UsageError({ field: "nothing", detail: "y" });
    assert.equal(tellWithFlags(unknown, flagsOf("vm")), unknown);
    const other = new Error("z");
    assert.equal(tellWithFlags(other, flagsOf("vm")), other);
  });

  it("has a flag for every field an error below cli/ names, in some command", () => {
    // Fields written out in src/ outside cli/: a fault's `field: "x"` or `field: ["x", "y"]`, a
    // detail's name("x"), and the field arguments of makeDir, DirError, AddressError, BoundError,
    // BufferedFile, parseProbability and parsePort.
    const patterns = [
      /new (?:UsageError|SetupError)\(\s*\{\s*field: "(\w+)"/g,
      /new (?:UsageError|SetupError)\(\s*\{\s*field: \["(\w+)", "(\w+)"\]/g,
      /\(name\) =>[^;]*?name\("(\w+)"\)/g,
      /makeDir\([^,()]+, "(\w+)"\)/g,
      /new (?:DirError|AddressError|BoundError)\(\s*"(\w+)"/g,
      /new BufferedFile\([^;]*, "(\w+)"\)/g,
      /parse(?:Probability|Port)\(\s*"?(\w+)"?,/g,
    ];
    const fields = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (path !== join("src", "cli")) walk(path);
        } else if (entry.name.endsWith(".ts")) {
          const text = readFileSync(path, "utf8");
          for (const re of patterns) {
            for (const m of text.matchAll(re)) for (const f of m.slice(1)) if (f !== undefined) fields.add(f);
          }
        }
      }
    };
    walk("src");
    // parseProbability's and parsePort's own parameter is not a field.
    fields.delete("field");
    for (const f of ["port", "logDir", "rateMin", "rateMax", "vms", "basePort", "csv", "curveDir"]) {
      assert.ok(fields.has(f), `the scan missed ${f}`);
    }
    const known = new Set(COMMANDS.flatMap((c) => Object.keys(flagsOf(c))));
    const missing = [...fields].filter((f) => !known.has(f));
    assert.deepEqual(missing, [], `fields with no flag in any command: ${missing.join(", ")}`);
  });
});
