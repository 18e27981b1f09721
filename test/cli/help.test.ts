import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Command } from "commander";
import { addExperimentOptions } from "../../src/cli/experiment-options.js";
import { describeValue, errorLine, SEED_HELP } from "../../src/cli/help.js";
import { main } from "../../src/cli/program.js";
import { captureIo } from "../helpers/io.js";

const COMMANDS = ["vm", "run", "compare", "sim", "sweep", "inspect", "keys"];

async function help(args: string[]): Promise<{ code: number; text: string; errs: string[] }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, text: io.outs.join("\n"), errs: io.errs };
}

/** The text of one flag's entry in a help page (its description may wrap onto more lines). */
function entry(text: string, flag: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => new RegExp(`^ {2}${flag}\\b`).test(l));
  assert.notEqual(at, -1, `${flag} is not in the help`);
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => !/^ {10,}\S/.test(l));
  return [lines[at], ...rest.slice(0, end === -1 ? rest.length : end)].map((l) => (l ?? "").trim()).join(" ");
}

describe("help that teaches", () => {
  for (const command of ["", ...COMMANDS]) {
    it(`clocklab ${command || "(no command)"} --help: exit 0, no default that looks like JSON`, async () => {
      const { code, text, errs } = await help(command === "" ? ["--help"] : [command, "--help"]);
      assert.equal(code, 0);
      assert.deepEqual(errs, []);
      assert.match(text, /^Usage: clocklab/);
      // A JSON list, object or quoted string where a user would type zmq,tcp,http or logs.
      assert.doesNotMatch(text, /\((?:[^()]*; )?default: [[{"]/, "a default shown as JSON");
      assert.doesNotMatch(text, /choices: "/, "choices shown as JSON strings");
      assert.doesNotMatch(text, /\[object Object\]/);
    });
  }

  it("marks --port of vm required, in its entry and its usage line", async () => {
    const { text } = await help(["vm", "--help"]);
    assert.match(entry(text, "--port"), /\(required\)$/);
    assert.match(text, /^Usage: clocklab vm --port <port>/);
  });

  it("shows the same vm help for -h, --help, -help and help vm", async () => {
    const pages = await Promise.all(
      [
        ["vm", "-h"],
        ["vm", "--help"],
        ["vm", "-help"],
        ["help", "vm"],
      ].map(help),
    );
    for (const page of pages) {
      assert.equal(page.code, 0);
      assert.deepEqual(page.errs, []);
      assert.equal(page.text, pages[0]?.text);
    }
  });

  it("shows lists and objects as typed: zmq,tcp,http,udp and 0:5", async () => {
    assert.match(
      entry((await help(["compare", "--help"])).text, "--transports"),
      /\(default: zmq,tcp,http,udp\)$/,
    );
    assert.match(entry((await help(["sweep", "--help"])).text, "--spreads"), /\(default: 0,1,2,3,5\)$/);
    assert.match(entry((await help(["inspect", "--help"])).text, "--window"), /\(default: 0:5\)$/);
    assert.match(
      entry((await help(["run", "--help"])).text, "--transport"),
      /\(one of zmq, tcp, http, udp; default: zmq\)$/,
    );
    assert.equal(describeValue(["a", 1, true]), "a,1,true");
    assert.equal(describeValue("logs"), "logs");
  });

  it("says where a preset-driven default comes from, on run, compare and sim", async () => {
    for (const command of ["run", "compare", "sim"]) {
      const { text } = await help([command, "--help"]);
      assert.match(entry(text, "--trials"), /\(from the preset: 5\)$/);
      assert.match(entry(text, "--duration"), /\(from the preset: 60\)$/);
      assert.match(entry(text, "--rate-min"), /\(from the preset: 1 in standard, 4 in smaller-variation\)$/);
      assert.match(
        entry(text, "--event-range"),
        /\(from the preset: 10 in standard, 5 in smaller-variation\)$/,
      );
      assert.match(entry(text, "--vms"), /\(from the preset: 3, or as many as --rates\)$/);
    }
  });

  it("has one seed policy on run, compare, sim and sweep, and one spelling of the HTML switch", async () => {
    for (const command of ["run", "compare", "sim", "sweep"]) {
      assert.equal(
        entry((await help([command, "--help"])).text, "--seed").replace(/^--seed <n>\s+/, ""),
        SEED_HELP,
      );
    }
    for (const command of ["run", "compare", "sim"]) {
      const { text } = await help([command, "--help"]);
      assert.match(text, /^ {2}--html\b/m, `${command} has no --html`);
      assert.match(text, /^ {2}--no-html\b/m, `${command} has no --no-html`);
    }
  });

  it("writes report.html by default on run and compare; --html and --no-html both work", () => {
    const parse = (args: string[]): unknown => {
      const command = addExperimentOptions(new Command("run")).exitOverride();
      return command.parse(args, { from: "user" }).opts().html;
    };
    assert.equal(parse([]), true);
    assert.equal(parse(["--html"]), true);
    assert.equal(parse(["--no-html"]), false);
    assert.equal(parse(["--no-html", "--html"]), true);
  });
});

describe("commander's errors as one line", () => {
  const cases: [string, string, string][] = [
    [
      "error: option '--trial <n>' argument '0' is invalid. expected an integer >= 1, got \"0\"",
      "vm",
      '--trial: expected an integer >= 1, got "0"',
    ],
    [
      "error: option '--experiment <name>' argument 'x' is invalid. Allowed choices are standard, all.",
      "run",
      '--experiment: expected one of standard, all, got "x"',
    ],
    [
      "error: option '--port <port>' argument missing",
      "vm",
      "--port: expected a value after it (--port <port>), got nothing",
    ],
    [
      "error: required option '--port <port>' not specified",
      "vm",
      "--port: expected --port <port> (required), got nothing; see clocklab vm --help",
    ],
    [
      "error: unknown option '--hmtl'\n(Did you mean --html?)",
      "run",
      "--hmtl: unknown option of run, did you mean --html?; see clocklab run --help",
    ],
    [
      "error: unknown command 'rnu'\n(Did you mean run?)",
      "",
      'unknown command "rnu", did you mean run?; see clocklab --help',
    ],
    ["error: something new\nover two lines\n", "run", "something new over two lines"],
  ];
  for (const [message, command, line] of cases) {
    it(`turns ${JSON.stringify(message.split("\n")[0])} into one line`, () => {
      assert.equal(errorLine(message, command), line);
    });
  }
});
