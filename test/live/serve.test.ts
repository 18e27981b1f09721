import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/program.js";
import type { PageServer } from "../../src/live/http.js";
import { startServe } from "../../src/live/serve-app.js";
import { captureIo } from "../helpers/io.js";
import { killAll, listening, startCli } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

/** GET (or `method`) of a raw path, sent as written: no client-side clean-up of `..`. */
function fetchRaw(port: number, path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method }, (res) => {
      // Whole bytes first: a character may straddle two chunks.
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("clocklab serve", () => {
  let root: string;
  let logs: string;
  let server: PageServer;
  let older: string;
  let newer: string;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "clocklab-serve-"));
    logs = join(root, "logs");
    const sim = async (...args: string[]) => {
      const io = captureIo();
      const code = await main(["sim", "--trials", "2", "--duration", "5", "--log-dir", logs, ...args], io);
      assert.equal(code, 0, io.errs.join("\n"));
    };
    await sim("--seed", "1", "--html");
    // Run folders are named by the second they start in.
    await new Promise((r) => setTimeout(r, 1100));
    await sim("--seed", "2");
    [older, newer] = readdirSync(logs)
      .filter((f) => f !== "latest")
      .sort() as [string, string];
    writeFileSync(join(root, "secret.json"), '{"secret":1}');
    symlinkSync(join(root, "secret.json"), join(logs, newer, "escape.json"));
    mkdirSync(join(logs, newer, "keys"));
    writeFileSync(join(logs, newer, "keys", "5001.secret.json"), '{"secret":2}');
    server = await startServe(logs, "127.0.0.1", 0);
  });
  after(async () => {
    await server?.close();
    killAll();
    rmSync(root, { recursive: true, force: true });
  });

  it("lists the run folders newest first, each linking its page and its report", async () => {
    const { status, body } = await fetchRaw(server.port, "/");
    assert.equal(status, 200);
    const folders = [...body.matchAll(/<tr data-folder="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(folders, [newer, older]);
    assert.match(body, new RegExp(`href="/runs/${newer}/report.html"`));
    assert.match(body, /simulated · /);
  });

  it("opens a run's page, the report it wrote, one made on request, and a trial's own report", async () => {
    const page = await fetchRaw(server.port, `/runs/${newer}/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /report of this trial/);
    const written = await fetchRaw(server.port, `/runs/${older}/report.html`);
    assert.equal(written.status, 200);
    assert.equal(written.body, readFileSync(join(logs, older, "report.html"), "utf8"));
    const made = await fetchRaw(server.port, `/runs/${newer}/report.html`);
    assert.equal(made.status, 200);
    assert.match(made.body, /<title>clocklab report/);
    assert.match(made.body, /2 trials/);
    const link = /href="\/runs\/[^/]+\/(trial-[^"]+\.html)"/.exec(page.body)?.[1];
    assert.ok(link !== undefined, "no trial link on the run's page");
    const trial = await fetchRaw(server.port, `/runs/${newer}/${link}`);
    assert.equal(trial.status, 200);
    assert.match(trial.body, /1 trial/);
    const log = /href="\/runs\/[^"]+\/(standard\/trial-1_vm-5001[^"]+\.jsonl)"/.exec(page.body)?.[1];
    assert.ok(log !== undefined, "no log link");
    const text = await fetchRaw(server.port, `/runs/${newer}/${log}`);
    assert.equal(text.body, readFileSync(join(logs, newer, log), "utf8"));
  });

  it("refuses every way out of the logs folder, key files, and anything but GET", async () => {
    for (const path of [
      "/runs/../../secret.json",
      `/runs/${newer}/../../secret.json`,
      `/runs/${newer}/%2e%2e/%2e%2e/secret.json`,
      `/runs/${newer}/..%2f..%2fsecret.json`,
      `/runs/${newer}/..%5c..%5csecret.json`,
      `/runs/%2e%2e/secret.json`,
      `/runs/${newer}/escape.json`,
      `/runs/${newer}/keys/5001.secret.json`,
      `/runs/${newer}/%6beys/5001.secret.json`,
      "/runs/latest/run.json",
      "/etc/passwd",
      `/runs/${newer}/run.json%00.html`,
    ]) {
      const { status, body } = await fetchRaw(server.port, path);
      assert.equal(status, 404, path);
      assert.doesNotMatch(body, /secret/, path);
    }
    for (const method of ["POST", "PUT", "DELETE"]) {
      assert.equal((await fetchRaw(server.port, "/", method)).status, 405, method);
    }
  });

  it("says a taken port in one line (exit 2), and stops on Ctrl-C leaving the port free", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    const refused = await startCli(["serve", logs, "--port", String(port)], 20_000).done;
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr.trim(), `clocklab: --port: ${port} is already in use`);

    const proc = startCli(["serve", logs, "--port", String(port)], 30_000);
    let out = "";
    proc.child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    await until(
      () => `serving, in: ${out}`,
      () => /serving .* at http/.test(out),
      20_000,
    );
    assert.equal((await fetchRaw(port, "/")).status, 200);
    proc.child.kill("SIGINT");
    const result = await proc.done;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await listening(port), false);
  });

  it("says a missing logs folder in one line", async () => {
    const result = await startCli(["serve", join(root, "nothing")], 20_000).done;
    assert.equal(result.code, 2);
    assert.match(result.stderr.trim(), /^clocklab: serve: no such folder ".*nothing"/);
    assert.equal(result.stderr.trim().split("\n").length, 1);
  });
});
