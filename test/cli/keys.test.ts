import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { main } from "../../src/cli/program.js";
import { DirError } from "../../src/log/writer.js";
import { loadKeys, PUBLIC_KEYS_FILE, secretKeyFile, writeKeys } from "../../src/transport/curve.js";
import { captureIo } from "../helpers/io.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-keys-"));
after(() => rmSync(root, { recursive: true, force: true }));

const ids = ["5001", "5002", "5003"];

/** Every file of a keys folder with its bytes. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("clocklab keys", () => {
  it("writes secret key files readable by their owner only, and the public keys for all", async () => {
    const out = join(root, "fresh");
    const io = captureIo();
    assert.equal(await main(["keys", "--out", out], io), 0, io.errs.join("\n"));
    for (const id of ids) assert.equal(modeOf(secretKeyFile(out, id)), 0o600, `${id}.secret.json`);
    // The public keys are for everyone: not narrowed to the owner (the umask may narrow group/other write).
    assert.equal(modeOf(join(out, PUBLIC_KEYS_FILE)) & 0o444, 0o444);
    assert.deepEqual(
      readdirSync(out).sort(),
      [...ids.map((id) => `${id}.secret.json`), PUBLIC_KEYS_FILE].sort(),
    );
    const keys = loadKeys(out, "5001", ["5002", "5003"]);
    assert.equal(keys.peers.size, 2);
  });

  it("refuses to replace existing keys, changing nothing, unless --force", async () => {
    const out = join(root, "twice");
    assert.equal(await main(["keys", "--out", out], captureIo()), 0);
    const before = snapshot(out);
    const io = captureIo();
    assert.equal(await main(["keys", "--out", out], io), 2);
    assert.deepEqual(io.errs, [
      `clocklab: --out: ${secretKeyFile(out, "5001")} exists already (use --force to replace the keys in ${out})`,
    ]);
    assert.deepEqual(snapshot(out), before, "no key was replaced, no temporary file left");

    assert.equal(await main(["keys", "--out", out, "--force"], captureIo()), 0);
    const after = snapshot(out);
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
    for (const id of ids) {
      const file = `${id}.secret.json`;
      assert.notEqual(after[file], before[file], `${file} was not replaced`);
      assert.equal(modeOf(secretKeyFile(out, id)), 0o600, `${file} after --force`);
    }
  });

  it("narrows a replaced secret file that had been opened up back to 0600", () => {
    const out = join(root, "opened");
    writeKeys(out, ["7001"]);
    const file = secretKeyFile(out, "7001");
    writeFileSync(file, "{}\n", { mode: 0o644 });
    assert.throws(
      () => writeKeys(out, ["7001"]),
      (err: unknown) => err instanceof DirError && err.field === "dir",
    );
    writeKeys(out, ["7001"], { force: true });
    assert.equal(modeOf(file), 0o600);
  });

  it("refuses a file where the folder should be, naming --out", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "x");
    for (const out of [file, join(file, "keys")]) {
      const io = captureIo();
      assert.equal(await main(["keys", "--out", out], io), 2);
      assert.deepEqual(io.errs, [`clocklab: --out: cannot write ${out} (ENOTDIR): a file is in the way`]);
    }
  });
});
