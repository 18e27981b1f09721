import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { VERSION } from "../../src/base/version.js";

describe("VERSION", () => {
  it("is package.json's version (every start record and report carries it)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    assert.match(pkg.version, /^\d+\.\d+\.\d+/);
    assert.equal(VERSION, pkg.version);
  });
});
