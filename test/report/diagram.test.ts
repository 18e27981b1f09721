import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { main } from "../../src/cli/program.js";
import { browserMissing, launchChromium } from "../helpers/browser.js";
import { captureIo } from "../helpers/io.js";

/** A tick event as the test reads it from the JSONL, with nothing of the report's code. */
interface Ev {
  vm: string;
  tick: number;
  event: string;
  t: number;
  vc: Record<string, number>;
  /** Receives: the sender and when the message was sent (ms since the epoch). */
  from?: string;
  sentAt?: number;
}

const skip = browserMissing();
const root = mkdtempSync(join(tmpdir(), "clocklab-diagram-"));
let runDir = "";
let browser: Browser | undefined;
let page: Page;
const errors: string[] = [];
/** Every URL the page asked for: only itself, as it must work offline. */
const requests: string[] = [];

/** Every tick event of one trial, from the log files themselves. */
function trialEvents(trial: number): Ev[] {
  const dir = join(runDir, "standard");
  return readdirSync(dir)
    .filter((f) => f.startsWith(`trial-${trial}_`))
    .flatMap((f) =>
      readFileSync(join(dir, f), "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l))
        .filter((r) => r.event === "internal" || r.event === "send" || r.event === "receive")
        .map((r) => ({
          vm: f.split("_")[1]?.slice(3) ?? "",
          tick: r.tick,
          event: r.event,
          t: r.t,
          vc: r.vc,
          from: r.from,
          sentAt: r.sentAt,
        })),
    );
}

/** Time 0 of the diagram: the trial's first tick deadline, from its start records. */
function startOf(trial: number): number {
  const dir = join(runDir, "standard");
  return Math.min(
    ...readdirSync(dir)
      .filter((f) => f.startsWith(`trial-${trial}_`))
      .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8").split("\n")[0] ?? "{}").startAt as number),
  );
}

/** vc(a) <= vc(b) entry by entry, absent entries 0. */
function leq(a: Ev, b: Ev): boolean {
  return Object.entries(a.vc).every(([id, n]) => n <= (b.vc[id] ?? 0));
}
const before_ = (a: Ev, b: Ev) => a !== b && leq(a, b) && !leq(b, a);
const concurrent = (a: Ev, b: Ev) => !leq(a, b) && !leq(b, a);
const key = (e: Ev) => `${e.vm}:${e.tick}`;

async function data(): Promise<Record<string, string>> {
  return page.evaluate<Record<string, string>>('({ ...document.getElementById("st").dataset })');
}

/** Waits until the diagram's data attribute `attr` is `value` (with `not`: is no longer). */
async function until(attr: string, value: string | undefined, not = false): Promise<void> {
  const is = `document.getElementById("st").dataset[${JSON.stringify(attr)}] === ${JSON.stringify(value)}`;
  await page.waitForFunction(not ? `!(${is})` : is);
}

/** Resolves after the page has drawn what the last input asked for (it draws on a frame). */
async function drawn(): Promise<void> {
  await page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
}

/** Selects an event through the search box and its result button, as a reader would. */
async function pick(e: Ev, second = false): Promise<void> {
  await page.fill("#st-search", `vm:${e.vm} tick:${e.tick}`);
  await page.click(`#st-results button[data-vm="${e.vm}"][data-tick="${e.tick}"]`, {
    modifiers: second ? ["Shift"] : [],
  });
  await until(second ? "b" : "a", key(e));
  await drawn();
}

describe("the report's space-time diagram in Chromium", { skip, timeout: 120_000 }, () => {
  before(async () => {
    const io = captureIo();
    const code = await main(
      [
        "sim",
        "--experiment",
        "standard",
        "--trials",
        "2",
        "--duration",
        "10",
        "--seed",
        "11",
        "--log-dir",
        root,
        "--html",
        "--no-color",
      ],
      io,
    );
    assert.equal(code, 0, io.errs.join("\n"));
    const dirs = readdirSync(root).filter((d) => d !== "latest");
    assert.equal(dirs.length, 1);
    runDir = join(root, dirs[0] as string);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`file://${join(runDir, "report.html")}`);
    await page.waitForSelector("#st[data-ready=true]");
  });

  after(async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("opens on trial 1 with every tick event and lanes labelled with VM and rate", async () => {
    const events = trialEvents(1);
    const d = await data();
    assert.equal(d.trial, "standard/1");
    assert.equal(Number(d.events), events.length);
    assert.ok(Number(d.from) <= 0 && Number(d.to) >= 10, `opens on the first 10 s: ${d.from}-${d.to}`);
    const lanes = await page.$$eval(".st-lane", (els) => els.map((e) => e.textContent ?? ""));
    const files = readdirSync(join(runDir, "standard")).filter((f) => f.startsWith("trial-1_"));
    assert.deepEqual(
      lanes,
      files.map((f) => {
        const [, vm, rate] = f.replace(".jsonl", "").split("_");
        return `VM ${vm?.slice(3)}rate ${rate?.slice(5)} ticks/s`;
      }),
    );
    const tti = await page.evaluate(() => performance.getEntriesByName("st-ready")[0]?.startTime ?? -1);
    assert.ok(tti > 0);
  });

  it("lights up the causal past and future counted from the logs' vector clocks", async () => {
    const events = trialEvents(1);
    // A receive a few seconds in, on the first VM: it has both a past and a future.
    const chosen = events.find((e) => e.vm === "5001" && e.event === "receive" && e.t - startOf(1) > 3000);
    assert.ok(chosen !== undefined);
    await pick(chosen);
    const d = await data();
    const past = events.filter((f) => before_(f, chosen)).length;
    const future = events.filter((f) => before_(chosen, f)).length;
    assert.ok(past > 0 && future > 0);
    assert.equal(Number(d.past), past);
    assert.equal(Number(d.future), future);

    // The same by a click on the canvas: another event, found by where it is drawn.
    const other = events.find(
      (e) => e.vm === "5003" && Math.abs(e.t - chosen.t) < 1500 && e.event === "send",
    );
    assert.ok(other !== undefined);
    // The mouse clicks where the page is on screen: bring the drawing into view first.
    await page.$eval("#st-canvas", (c) => c.scrollIntoView());
    const view = await data();
    const box = await page.$eval("#st-canvas", (c) => {
      const r = c.getBoundingClientRect();
      return { x: r.x, width: r.width };
    });
    const lane = await page.$eval('.st-lane[data-vm="5003"]', (l) => {
      const r = l.getBoundingClientRect();
      return r.y + r.height / 2;
    });
    const s = (other.t - startOf(1)) / 1000;
    const x = box.x + ((s - Number(view.from)) / (Number(view.to) - Number(view.from))) * box.width;
    await page.mouse.click(x, lane);
    await until("a", key(other));
    const after = await data();
    assert.equal(Number(after.past), events.filter((f) => before_(f, other)).length);
    assert.equal(Number(after.future), events.filter((f) => before_(other, f)).length);
  });

  it("tells a → b, b → a and concurrent as the vector clocks say", async () => {
    const events = trialEvents(1);
    const a = events.find((e) => e.vm === "5002" && e.event === "receive");
    assert.ok(a !== undefined);
    const later = events.find((e) => e.vm !== a.vm && before_(a, e));
    const earlier = events.find((e) => e.vm !== a.vm && before_(e, a));
    const apart = events.find((e) => e.vm !== a.vm && concurrent(a, e));
    assert.ok(later !== undefined && earlier !== undefined && apart !== undefined);
    for (const [b, verdict, text] of [
      [later, "a->b", "a → b"],
      [earlier, "b->a", "b → a"],
      [apart, "concurrent", "concurrent"],
    ] as const) {
      await pick(a);
      await pick(b, true);
      const d = await data();
      assert.equal(d.verdict, verdict, `${key(a)} vs ${key(b)}`);
      const shown = await page.$eval("#st-verdict", (el) => el.textContent ?? "");
      assert.ok(shown.startsWith(text), shown);
    }
  });

  it("zooms and pans in time", async () => {
    await page.click("#st-first");
    await drawn();
    const before = await data();
    await page.click("#st-zoom-in");
    await drawn();
    const zoomed = await data();
    const span = (d: Record<string, string>) => Number(d.to) - Number(d.from);
    assert.ok(Math.abs(span(zoomed) - span(before) / 2) < 0.01, `${span(before)} -> ${span(zoomed)}`);
    assert.ok(Number(zoomed.drawn) < Number(before.drawn));
    const canvas = await page.$eval("#st-canvas", (c) => {
      const r = c.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + 10 };
    });
    await page.mouse.move(canvas.x, canvas.y);
    await page.mouse.down();
    await page.mouse.move(canvas.x - 200, canvas.y, { steps: 4 });
    await page.mouse.up();
    await until("from", zoomed.from, true);
    const panned = await data();
    assert.ok(Number(panned.from) > Number(zoomed.from), `${zoomed.from} -> ${panned.from}`);
  });

  it("draws every message whose send-to-receive span meets the view, the receive off screen too", async () => {
    const events = trialEvents(1);
    const start = startOf(1);
    // A message that waited over 1.5 s in the queue, sent a few seconds in.
    const m = events.find(
      (e) =>
        e.event === "receive" && e.sentAt !== undefined && e.t - e.sentAt > 1500 && e.sentAt - start > 2000,
    );
    assert.ok(m?.sentAt !== undefined, "a message that waited long in a queue");
    const send = events.find((e) => e.vm === m.from && e.event === "send" && e.t === m.sentAt);
    assert.ok(send !== undefined);
    await page.selectOption("#st-trial", "0");
    await until("trial", "standard/1");
    await page.click("#st-first");
    for (let k = 0; k < 3; k++) await page.click("#st-zoom-in");
    // Shown from the search: the view is centred on the send, about 1.3 s wide.
    await pick(send);
    const d = await data();
    const from = Number(d.from) * 1000 + start;
    const to = Number(d.to) * 1000 + start;
    assert.ok(from <= send.t && send.t <= to, `send in view: ${d.from}-${d.to}`);
    assert.ok(m.t > to, `its receive after the view: ${(m.t - start) / 1000} s`);
    const width = await page.$eval("#st-canvas", (c) => c.getBoundingClientRect().width);
    const px = (to - from) / width;
    const receives = events.filter((e) => e.event === "receive" && e.sentAt !== undefined);
    const meets = (lo: number, hi: number) =>
      receives.filter((e) => (e.sentAt as number) <= hi && e.t >= lo).length;
    // Every message whose span meets the view is drawn; the drawing may take in a few pixels more.
    const arrows = Number(d.arrows);
    assert.ok(arrows >= meets(from, to), `${arrows} arrows, ${meets(from, to)} messages meet the view`);
    assert.ok(arrows <= meets(from - 12 * px, to + 12 * px), `${arrows} arrows`);
    // More than the messages received in view: those received later are drawn too.
    const receivedInView = receives.filter((e) => e.t >= from - 12 * px && e.t <= to + 12 * px).length;
    assert.ok(arrows > receivedInView, `${arrows} arrows, ${receivedInView} received in view`);
  });

  it("zooms out no further than the whole trial, and says what it shows", async () => {
    // The trial was to run 10 s: its start records say so, and its last tick is before then.
    const end = 10;
    assert.ok(Math.max(...trialEvents(1).map((e) => e.t - startOf(1))) < end * 1000);
    await page.click("#st-whole");
    await drawn();
    const whole = await data();
    assert.ok(Number(whole.from) <= 0 && Number(whole.from) > -0.5, whole.from);
    assert.ok(Number(whole.to) >= end && Number(whole.to) < end + 0.5, whole.to);
    // Every message never received is drawn (dashed): as many as the stop records left pending.
    const pending = readdirSync(join(runDir, "standard"))
      .filter((f) => f.startsWith("trial-1_"))
      .map(
        (f) =>
          readFileSync(join(runDir, "standard", f), "utf8")
            .trim()
            .split("\n")
            .at(-1) ?? "{}",
      )
      .reduce((n, line) => n + (JSON.parse(line).pending as number), 0);
    assert.ok(pending > 0, "the slow VM still had messages queued at the end");
    assert.equal(Number(whole.unreceived), pending);
    for (let k = 0; k < 3; k++) await page.click("#st-zoom-out");
    await drawn();
    const out = await data();
    assert.equal(out.from, whole.from);
    assert.equal(out.to, whole.to);
    assert.equal(await page.textContent("#st-range"), `showing 0.00 s to ${end}.00 s of ${end}.00 s`);
    // Zoomed in and dragged far past the end, the view stops at the end.
    await page.click("#st-zoom-in");
    await page.focus("#st-canvas");
    for (let k = 0; k < 12; k++) await page.keyboard.press("ArrowRight");
    await drawn();
    const last = await data();
    assert.equal(last.to, whole.to);
    const shown = await page.textContent("#st-range");
    assert.match(shown ?? "", new RegExp(`to ${end}.00 s of ${end}.00 s$`));
  });

  it("writes Lamport values in the opening view of an 800 px page, thinned where they would overlap", async () => {
    const narrow = await (browser as Browser).newPage({ viewport: { width: 800, height: 900 } });
    try {
      await narrow.goto(`file://${join(runDir, "report.html")}`);
      await narrow.waitForSelector("#st[data-ready=true]");
      const d = await narrow.evaluate<Record<string, string>>(
        '({ ...document.getElementById("st").dataset })',
      );
      const start = startOf(1);
      const inView = trialEvents(1).filter((e) => {
        const s = (e.t - start) / 1000;
        return s >= Number(d.from) && s <= Number(d.to);
      }).length;
      const labels = Number(d.labels);
      assert.ok(
        labels >= inView / 4 && labels <= inView,
        `${labels} values written, ${inView} events in view`,
      );
      // The view at 800 px is too crowded for every value, and says so.
      assert.ok(Number(d.crowded) > 0, d.crowded);
      assert.match((await narrow.textContent("#st-note")) ?? "", /written where they fit.*zoom in/);
    } finally {
      await narrow.close();
    }
  });

  it("switches trials with the picker, with no console error", async () => {
    await page.selectOption("#st-trial", "1");
    await until("trial", "standard/2");
    const d = await data();
    assert.equal(Number(d.events), trialEvents(2).length);
    assert.equal(d.a, "");
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [`file://${join(runDir, "report.html")}`]);
  });
});

describe("the diagram with 60,000 events in a trial", { skip, timeout: 120_000 }, () => {
  const big = mkdtempSync(join(tmpdir(), "clocklab-diagram-big-"));
  let b: Browser | undefined;

  after(async () => {
    await b?.close();
    rmSync(big, { recursive: true, force: true });
  });

  it("carries every event and stays interactive over the whole trial", async () => {
    const io = captureIo();
    const args = ["sim", "--rates", "300,330,370", "--trials", "1", "--duration", "60", "--seed", "3"];
    assert.equal(await main([...args, "--log-dir", big, "--html", "--no-color"], io), 0, io.errs.join("\n"));
    const dir = join(big, readdirSync(big).find((d) => d !== "latest") ?? "");
    b = await launchChromium();
    const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
    const seen: string[] = [];
    p.on("pageerror", (e) => seen.push(String(e)));
    await p.goto(`file://${join(dir, "report.html")}`);
    await p.waitForSelector("#st[data-ready=true]");
    assert.equal(await p.getAttribute("#st", "data-events"), "60000");
    // A frame of the whole trial (every event in view), timed from the click to the frame after.
    const ms = await p.evaluate<number>(`(async () => {
      const a = performance.now();
      document.getElementById("st-whole").click();
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      return performance.now() - a;
    })()`);
    assert.equal(await p.getAttribute("#st", "data-drawn"), "60000");
    // Generous: a frame that visits each event once takes ~0.1 s here; one that did more would not pass.
    assert.ok(ms < 2000, `${ms} ms for a frame of 60,000 events`);
    await p.fill("#st-search", "vm:5002 tick:9000");
    await p.click('#st-results button[data-tick="9000"]');
    await p.waitForFunction('document.getElementById("st").dataset.a === "5002:9000"');
    const past = Number(await p.getAttribute("#st", "data-past"));
    const future = Number(await p.getAttribute("#st", "data-future"));
    assert.ok(past > 1000 && future > 1000, `${past} ${future}`);
    assert.deepEqual(seen, []);
  });
});
