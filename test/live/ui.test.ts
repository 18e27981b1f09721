import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { browserMissing, launchChromium } from "../helpers/browser.js";
import { alive, freePortBlock, killAll, listening, startCli } from "../helpers/processes.js";
import { until } from "../helpers/until.js";

const skip = browserMissing();

/** Tick records (internal, send, receive) in every log under `dir`. */
function tickRecords(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".jsonl")) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), "utf8");
    n += (text.match(/^\{"event":"(internal|send|receive)"/gm) ?? []).length;
  }
  return n;
}

const urlOf = (stdout: string) => /^live: (http:\/\/\S+)/m.exec(stdout)?.[1];
const received = (page: Page) => page.evaluate<number>("Number(document.body.dataset.received ?? 0)");

/** The page's own count when the run ended (it says so once on the console). */
function finalCount(page: Page): Promise<{ status: string; count: number }> {
  return new Promise((resolve) => {
    page.on("console", (m) => {
      const found = /clocklab live: run (\w+); (\d+) tick events received/.exec(m.text());
      if (found !== null) resolve({ status: found[1] as string, count: Number(found[2]) });
    });
  });
}

describe("run --ui in Chromium", { skip }, () => {
  let root: string;
  let browser: Browser;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), "clocklab-ui-"));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    killAll();
    rmSync(root, { recursive: true, force: true });
  });

  /** Starts `run --ui` and waits for the address it prints. */
  async function startUiRun(
    args: string[],
  ): Promise<{ proc: ReturnType<typeof startCli>; url: string; port: number }> {
    const base = await freePortBlock(3);
    const proc = startCli(["run", "--ui", "--ui-port", "0", "--base-port", String(base), ...args], 90_000);
    let out = "";
    proc.child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    await until(
      () => `the live page's address in: ${out}`,
      () => urlOf(out) !== undefined,
      20_000,
    );
    const url = urlOf(out) as string;
    return { proc, url, port: Number(new URL(url).port) };
  }

  it("draws every event as it happens, catches a late page up, and ends on the report", async () => {
    const logDir = join(root, "run");
    const { proc, url, port } = await startUiRun(
      ["--trials", "2", "--duration", "3", "--rates", "2,4,6", "--start-delay", "1500"].concat([
        "--log-dir",
        logDir,
        "--seed",
        "3",
      ]),
    );
    const a = await browser.newPage();
    const aEnd = finalCount(a);
    // Offline: everything the page loads comes from the run's own server.
    const requested: string[] = [];
    a.on("request", (r) => requested.push(r.url()));
    await a.goto(url);
    // The count grows while the run goes: several different counts, each larger than the last.
    const seen: number[] = [];
    await until(
      () => `a growing count (seen ${seen.join(", ")})`,
      () => {
        void received(a).then((n) => {
          if (n > (seen.at(-1) ?? 0)) seen.push(n);
        });
        return seen.length >= 4;
      },
      20_000,
      100,
    );
    // A page opened after the first trial ended gets it from the logs.
    await a.waitForSelector('.lv-trial-end[data-index="0"]', { timeout: 30_000 });
    const b = await browser.newPage();
    const bEnd = finalCount(b);
    await b.goto(url);
    await b.waitForSelector('.lv-trial-end[data-index="0"]', { timeout: 10_000 });
    assert.ok((await received(b)) > 0);
    const [fa, fb, result] = await Promise.all([aEnd, bEnd, proc.done]);
    assert.equal(result.code, 0, result.stderr);
    const ticks = tickRecords(logDir);
    assert.ok(ticks > 0);
    assert.deepEqual(fa, { status: "completed", count: ticks });
    assert.deepEqual(fb, { status: "completed", count: ticks }, "the late page has every event too");
    // Both pages now show the report, from the same address.
    await a.waitForFunction('document.title.startsWith("clocklab report")', undefined, { timeout: 10_000 });
    await b.waitForFunction('document.title.startsWith("clocklab report")', undefined, { timeout: 10_000 });
    assert.equal(await listening(port), false, "the page's port is still open after the run");
    const origin = new URL(url).origin;
    assert.ok(requested.length >= 3, requested.join(" "));
    assert.deepEqual(
      requested.filter((r) => !r.startsWith(`${origin}/`) && !r.startsWith("data:")),
      [],
      "requests to another origin",
    );
    await a.close();
    await b.close();
  });

  it("stops VMs and the server on Ctrl-C: exit 130, stop records, no port left", async () => {
    const logDir = join(root, "sigint");
    const { proc, url, port } = await startUiRun([
      "--trials",
      "2",
      "--duration",
      "30",
      "--start-delay",
      "1000",
      "--log-dir",
      logDir,
      "--no-html",
    ]);
    const page = await browser.newPage();
    const end = finalCount(page);
    await page.goto(url);
    // Every VM has ticked (a VM still starting when Ctrl-C comes would have no log to check).
    let ticked = 0;
    const counting =
      '[...document.querySelectorAll("tr[data-vm]")].filter((r) => Number(r.dataset.clock) > 0).length';
    await until(
      () => `every VM ticking on the page (${ticked} of 3)`,
      () => {
        void page.evaluate<number>(counting).then((n) => (ticked = n));
        return ticked === 3;
      },
      20_000,
      100,
    );
    proc.child.kill("SIGINT");
    const result = await proc.done;
    assert.equal(result.code, 130, result.stderr);
    assert.equal((await end).status, "interrupted");
    const [runDir] = readdirSync(logDir).filter((f) => f !== "latest");
    const manifest = JSON.parse(readFileSync(join(logDir, runDir as string, "run.json"), "utf8")) as {
      status: string;
      trials: { vms: { log: string; pid: number }[] }[];
    };
    assert.equal(manifest.status, "interrupted");
    for (const vm of manifest.trials.flatMap((t) => t.vms)) {
      assert.ok(
        existsSync(vm.log),
        `${vm.log} is missing; stderr: ${result.stderr}; stdout: ${result.stdout}`,
      );
      const last = readFileSync(vm.log, "utf8").trimEnd().split("\n").at(-1) ?? "";
      assert.match(last, /^\{"event":"stop"/, `${vm.log} does not end with stop`);
      assert.equal(alive(vm.pid), false, `VM pid ${vm.pid} is still alive`);
    }
    assert.equal(await listening(port), false, "the page's port is still open");
    assert.match((await page.locator("#lv-status").textContent()) ?? "", /interrupted/);
    await page.close();
  });

  it("refuses a taken port in one line, exit 2, before any VM or folder", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    const logDir = join(root, "taken");
    const result = await startCli(
      ["run", "--ui-port", String(port), "--log-dir", logDir, "--duration", "1"],
      20_000,
    ).done;
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), `clocklab: --ui-port: ${port} is already in use`);
    assert.equal(existsSync(logDir), false, "a run folder was made");
  });
});
