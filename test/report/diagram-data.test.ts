import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type InspectReport, inspectPaths } from "../../src/analysis/inspect.js";
import { SetupError } from "../../src/base/errors.js";
import { main } from "../../src/cli/program.js";
import { clientBundle } from "../../src/report/diagram/bundle.js";
import { extractTrial, limitFor } from "../../src/report/diagram/extract.js";
import { pack, unpack } from "../../src/report/diagram/format.js";
import { diagramSection } from "../../src/report/diagram/section.js";
import { spaceTime } from "../../src/report/diagram/static.js";
import { renderSvg } from "../../src/report/render.js";
import { captureIo } from "../helpers/io.js";

const root = mkdtempSync(join(tmpdir(), "clocklab-diagram-data-"));
let runDir = "";
let report: InspectReport;

/** Trial 1's records, file by file, read with JSON.parse (not the report's reader). */
function logs(): { vm: string; records: Record<string, unknown>[] }[] {
  const dir = join(runDir, "standard");
  return readdirSync(dir)
    .filter((f) => f.startsWith("trial-1_"))
    .map((f) => ({
      vm: f.split("_")[1]?.slice(3) ?? "",
      records: readFileSync(join(dir, f), "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l)),
    }));
}
const isTick = (r: Record<string, unknown>) => ["internal", "send", "receive"].includes(r.event as string);

describe("the space-time diagram's data", () => {
  before(async () => {
    const io = captureIo();
    const args = ["sim", "--experiment", "standard", "--trials", "1", "--duration", "60", "--seed", "5"];
    assert.equal(await main([...args, "--log-dir", root, "--no-color"], io), 0, io.errs.join("\n"));
    runDir = join(root, readdirSync(root).find((d) => d !== "latest") ?? "");
    report = await inspectPaths([runDir], { windowOffsetMs: 50_000, windowMs: 10_000 });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it("carries every tick event in time order, with jumps and messages as the logs have them", () => {
    const t = report.trials[0];
    assert.ok(t !== undefined);
    const d = extractTrial(t, 1_000_000);
    const files = logs();
    const ticks = files.flatMap((f) => f.records.filter(isTick));
    assert.equal(d.vm.length, ticks.length);
    assert.equal(d.omitted, 0);
    assert.ok(d.t.every((x, i) => i === 0 || x >= (d.t[i - 1] as number)));
    const t0 = Math.min(...files.map((f) => f.records[0]?.startAt as number));
    for (const f of files) {
      let prev = 0;
      const lane = d.vms.findIndex((v) => v.id === f.vm);
      for (const r of f.records.filter(isTick)) {
        const i = d.vm.findIndex((l, k) => l === lane && d.tick[k] === r.tick);
        assert.ok(i >= 0, `${f.vm} tick ${r.tick}`);
        assert.equal(d.clock[i], r.clock);
        const vc = r.vc as Record<string, number>;
        assert.deepEqual(
          d.vms.map((_, x) => d.vc[i * d.vms.length + x]),
          d.vms.map((v) => vc[v.id] ?? 0),
        );
        if (r.event === "receive") {
          assert.equal(d.jump[i], Math.max(0, (r.clock as number) - prev - 1));
          assert.ok(Math.abs((d.arrived[i] as number) - ((r.arrivedAt as number) - t0)) < 0.001);
          const src = d.sendOf[i] as number;
          assert.ok(src >= 0, `the send of ${f.vm} tick ${r.tick} is on the page`);
          assert.equal(d.vms[d.vm[src] as number]?.id, r.from);
          assert.ok(Math.abs((d.t[src] as number) - ((r.sentAt as number) - t0)) < 0.001);
        }
        prev = r.clock as number;
      }
    }
    // Messages with no receive: per receiver, what its stop record says is still pending.
    const stops = files.map((f) => ({ vm: f.vm, stop: f.records.find((r) => r.event === "stop") }));
    const pending = stops.reduce((n, s) => n + ((s.stop?.pending as number | undefined) ?? 0), 0);
    assert.ok(pending > 0, "a slow VM still had messages queued at the end");
    assert.equal(d.unreceived.length, 2 * pending);
    for (const s of stops) {
      const lane = d.vms.findIndex((v) => v.id === s.vm);
      const to = d.unreceived.filter((x, k) => k % 2 === 1 && x === lane).length;
      assert.equal(to, s.stop?.pending, `messages to ${s.vm} never received`);
    }
    for (let k = 0; k < d.unreceived.length; k += 2) assert.equal(d.kind[d.unreceived[k] as number], 1);
  });

  it("packs a trial for the page in less JSON and unpacks it unchanged", () => {
    const t = report.trials[0];
    assert.ok(t !== undefined);
    const d = extractTrial(t, 1_000_000);
    const packed = pack(d);
    assert.deepEqual(unpack(packed), d);
    assert.ok(JSON.stringify(packed).length < 0.9 * JSON.stringify(d).length);
  });

  it("keeps a trial's first events up to its bound and says what it left out", () => {
    const t = report.trials[0];
    assert.ok(t !== undefined);
    const all = extractTrial(t, 1_000_000);
    const cut = extractTrial(t, 100);
    assert.equal(cut.vm.length, 100);
    assert.equal(cut.omitted, all.vm.length - 100);
    assert.deepEqual(cut.clock, all.clock.slice(0, 100));
    assert.equal(limitFor(1), 60_000);
    assert.equal(limitFor(10), 20_000);
    const html = diagramSection(report, { perTrial: 100, perPage: 1000 });
    assert.match(html, new RegExp(`trial 1 shows 100 of ${all.vm.length.toLocaleString("en")}`));
    assert.match(html, /left out/);
    const json = html.slice(html.indexOf('id="st-data">'), html.indexOf("</script>"));
    assert.ok(!json.includes("<"), "the data cannot close its script element");
  });

  it("fails with what to run when the browser bundle is missing or older than its sources", () => {
    assert.throws(
      () => clientBundle(join(root, "nothing.js")),
      (err: unknown) => err instanceof SetupError && /missing: run `npm run build`/.test(err.message),
    );
    const sources = join(root, "client");
    mkdirSync(sources);
    writeFileSync(join(root, "bundle.js"), "draw();");
    utimesSync(join(root, "bundle.js"), 1000, 1000);
    assert.equal(clientBundle(join(root, "bundle.js"), sources), "draw();");
    writeFileSync(join(sources, "main.ts"), "draw();");
    assert.throws(
      () => clientBundle(join(root, "bundle.js"), sources),
      (err: unknown) =>
        err instanceof SetupError && /older than main.ts .*run `npm run build`/.test(err.message),
    );
  });

  it("draws the static window in seconds, titled with its real window, clock values written", async () => {
    const t = report.trials[0];
    assert.ok(t !== undefined);
    const [title, body] = spaceTime(t);
    assert.match(title, /50 s to 60 s/);
    const svg = await renderSvg({
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title,
      ...body,
    });
    assert.match(svg, /seconds since the trial's first tick/);
    // Every event's Lamport value is text in the SVG (so in the PNG), not only a hover title.
    const texts = [...svg.matchAll(/<text[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
    for (const e of t.window.events) assert.ok(texts.includes(e.clock), `clock ${e.clock} written`);
    assert.ok(t.window.events.length > 0);
  });
});
