import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EdgeCase } from "./types.js";

/** A file where a folder is expected. */
const fileAt =
  (name: string) =>
  (dir: string): void =>
    writeFileSync(join(dir, name), "not a folder\n");

/**
 * An address that no machine of ours has: TEST-NET-1 (RFC 5737), reserved for documentation.
 * Listening on it fails with EADDRNOTAVAIL.
 */
const ELSEWHERE = "192.0.2.1";

/** `clocklab vm`, `run` and `compare` refusing a user's mistake: each on one line, exit 2. */
export const cases: EdgeCase[] = [
  // vm: the port and the peers
  {
    name: "vm without --port",
    args: ["vm"],
    stderr: /^clocklab: --port: expected --port <port> \(required\), got nothing; see clocklab vm --help$/,
  },
  {
    name: "vm --port without its value",
    args: ["vm", "--port"],
    stderr: /^clocklab: --port: expected a value after it \(--port <port>\), got nothing$/,
  },
  {
    name: "vm --port not a number",
    args: ["vm", "--port", "abc"],
    stderr: /^clocklab: --port: expected an integer 1-65535, got "abc"$/,
  },
  {
    name: "vm --port zero",
    args: ["vm", "--port", "0"],
    stderr: /^clocklab: --port: expected an integer 1-65535, got "0"$/,
  },
  {
    name: "vm --port past 65535",
    args: ["vm", "--port", "70000"],
    stderr: /^clocklab: --port: expected an integer 1-65535, got "70000"$/,
  },
  {
    name: "vm --port empty",
    args: ["vm", "--port", ""],
    stderr: /^clocklab: --port: expected an integer 1-65535, got ""$/,
  },
  {
    name: "vm --others with an empty item",
    args: ["vm", "--port", "5001", "--others", "5002", ""],
    stderr: /^clocklab: --others: expected PORT or HOST:PORT, got ""$/,
  },
  {
    name: "vm --others not an address",
    args: ["vm", "--port", "5001", "--others", "x:y"],
    stderr: /^clocklab: --others: expected PORT or HOST:PORT, got "x:y"$/,
  },
  {
    name: "vm --others with an impossible IPv4 host",
    args: ["vm", "--port", "5001", "--others", "999.1.1.1:5002"],
    stderr:
      /^clocklab: --others: expected PORT or HOST:PORT with HOST an IP address or a name, got "999.1.1.1:5002"$/,
  },
  {
    name: "vm --others naming itself",
    args: ["vm", "--port", "5001", "--others", "5002", "5001"],
    stderr: /^clocklab: --others: every VM needs its own port, got 5001 twice/,
  },
  {
    name: "vm with a peer given without --others",
    args: ["vm", "--port", "5001", "5002"],
    stderr: /^clocklab: vm: expected only flags, got "5002" \(a value without its flag\?\)$/,
  },
  // vm: numbers
  {
    name: "vm --trial zero",
    args: ["vm", "--port", "5001", "--trial", "0"],
    stderr: /^clocklab: --trial: expected an integer >= 1, got "0"$/,
  },
  {
    name: "vm --trial a fraction",
    args: ["vm", "--port", "5001", "--trial", "1.5"],
    stderr: /^clocklab: --trial: expected an integer >= 1, got "1.5"$/,
  },
  {
    name: "vm --duration negative",
    args: ["vm", "--port", "5001", "--duration", "-1"],
    stderr: /^clocklab: --duration: expected a number > 0, got "-1"$/,
  },
  {
    name: "vm --duration not a number",
    args: ["vm", "--port", "5001", "--duration", "ten"],
    stderr: /^clocklab: --duration: expected a number > 0, got "ten"$/,
  },
  {
    name: "vm --duration too large to be a number",
    args: ["vm", "--port", "5001", "--duration", "1e400"],
    stderr: /^clocklab: --duration: expected a number > 0, got "1e400"$/,
  },
  {
    name: "vm --duration too short for one tick",
    args: ["vm", "--port", "5001", "--duration", "0.5"],
    stderr:
      /^clocklab: --duration: expected at least 1 s, one tick of the slowest VM \(rate 1\/s: --rate-min 1\), got "0.5"$/,
  },
  {
    name: "vm --duration too short for one tick at a fixed rate",
    args: ["vm", "--port", "5001", "--overridefreq", "4", "--multiplier", "2", "--duration", "0.1"],
    stderr:
      /^clocklab: --duration: expected at least 0.125 s, one tick of the slowest VM \(rate 8\/s: --overridefreq 4 x --multiplier 2\), got "0.1"$/,
  },
  {
    name: "run --multiplier so small that no duration gives a tick",
    args: ["run", "--multiplier", "1e-310", "--duration", "5"],
    stderr:
      /^clocklab: --duration: expected one tick of the slowest VM, which no duration gives at rate 1e-310\/s \(--rate-min 1 of standard x --multiplier 1e-310\), got "5"$/,
  },
  {
    name: "vm --overridefreq zero",
    args: ["vm", "--port", "5001", "--overridefreq", "0"],
    stderr: /^clocklab: --overridefreq: expected a number > 0, got "0"$/,
  },
  {
    name: "vm --multiplier negative",
    args: ["vm", "--port", "5001", "--multiplier", "-2"],
    stderr: /^clocklab: --multiplier: expected a number > 0, got "-2"$/,
  },
  {
    name: "vm --rate-min above --rate-max",
    args: ["vm", "--port", "5001", "--rate-min", "5", "--rate-max", "2"],
    stderr: /^clocklab: --rate-min\/--rate-max: expected integers with 1 <= min <= max, got 5 and 2$/,
  },
  {
    name: "vm --seed negative",
    args: ["vm", "--port", "5001", "--seed", "-1"],
    stderr: /^clocklab: --seed: expected an integer >= 0, got "-1"$/,
  },
  {
    name: "vm --seed past the safe integers",
    args: ["vm", "--port", "5001", "--seed", "99999999999999999999"],
    stderr: /^clocklab: --seed: expected an integer >= 0, got "99999999999999999999"$/,
  },
  {
    name: "vm --event-range too small for its peers",
    args: ["vm", "--port", "5001", "--others", "5002", "5003", "--event-range", "2"],
    stderr: /^clocklab: --event-range: expected an integer >= 3/,
  },
  {
    name: "vm --start-at in seconds instead of ms",
    args: ["vm", "--port", "5001", "--start-at", "1700000000"],
    stderr: /^clocklab: --start-at: expected wall time in ms within an hour of now \(\d+\), got 1700000000$/,
  },
  {
    name: "vm --gap-timeout negative",
    args: ["vm", "--port", "5001", "--gap-timeout", "-5"],
    stderr: /^clocklab: --gap-timeout: expected milliseconds from 0 to 600000, got "-5"$/,
  },
  {
    name: "vm --gap-timeout past what a timer holds",
    args: ["vm", "--port", "5001", "--gap-timeout", "1e308"],
    stderr: /^clocklab: --gap-timeout: expected milliseconds from 0 to 600000, got "1e308"$/,
  },
  {
    name: "vm --drain not a number",
    args: ["vm", "--port", "5001", "--drain", "x"],
    stderr: /^clocklab: --drain: expected milliseconds from 0 to 600000, got "x"$/,
  },
  // vm: choices, hosts, folders, faults
  {
    name: "vm --transport unknown",
    args: ["vm", "--port", "5001", "--transport", "pigeon"],
    stderr: /^clocklab: --transport: expected one of zmq, tcp, http, udp, got "pigeon"$/,
  },
  {
    name: "vm --transport without its value",
    args: ["vm", "--port", "5001", "--transport"],
    stderr: /^clocklab: --transport: expected a value after it \(--transport <name>\), got nothing$/,
  },
  {
    name: "vm --host an impossible IPv4 address",
    args: ["vm", "--port", "5001", "--host", "999.1.1.1"],
    stderr:
      /^clocklab: --host: expected an IP address or a host name \(e\.g\. 127\.0\.0\.1, ::1, localhost\), got "999\.1\.1\.1"$/,
  },
  {
    name: "vm --host empty",
    args: ["vm", "--port", "5001", "--host", ""],
    stderr: /^clocklab: --host: expected an IP address or a host name .*, got ""$/,
  },
  {
    name: "vm --host with a space",
    args: ["vm", "--port", "5001", "--host", "my host"],
    stderr: /^clocklab: --host: expected an IP address or a host name .*, got "my host"$/,
  },
  {
    name: "vm --host of another machine",
    args: ["vm", "--port", "5001", "--host", ELSEWHERE],
    stderr:
      /^clocklab: --host: cannot listen on 192\.0\.2\.1: not an address of this machine \(EADDRNOTAVAIL\)$/,
  },
  {
    name: "vm --log-dir empty",
    args: ["vm", "--port", "5001", "--log-dir", ""],
    stderr: /^clocklab: --log-dir: expected a folder, got ""$/,
  },
  {
    name: "vm --log-dir a file",
    args: ["vm", "--port", "5001", "--log-dir", "taken", "--duration", "1"],
    setup: fileAt("taken"),
    stderr: /^clocklab: --log-dir: cannot write taken \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "vm --loss above 1",
    args: ["vm", "--port", "5001", "--loss", "2"],
    stderr: /^clocklab: --loss: expected a probability from 0 to 1, got "2"$/,
  },
  {
    name: "vm --latency not a model",
    args: ["vm", "--port", "5001", "--latency", "fast"],
    stderr: /^clocklab: --latency: expected MS, uniform:MIN-MAX or exp:MEAN \(milliseconds\), got "fast"$/,
  },
  {
    name: "vm --partition not a cut",
    args: ["vm", "--port", "5001", "--partition", "x"],
    stderr: /^clocklab: --partition: expected A-B@START-END or A>B@START-END .*, got "x"$/,
  },
  {
    name: "vm --curve on tcp",
    args: ["vm", "--port", "5001", "--transport", "tcp", "--curve", "keys"],
    stderr: /^clocklab: --curve: only the zmq transport authenticates, got --transport tcp$/,
  },
  {
    name: "vm with an unknown flag",
    args: ["vm", "--port", "5001", "--bogus"],
    stderr: /^clocklab: --bogus: unknown option of vm; see clocklab vm --help$/,
  },

  // run: the cases first
  {
    name: "run --duration with no tick for the slowest VM",
    args: ["run", "--duration", "0.1", "--trials", "1"],
    stderr:
      /^clocklab: --duration: expected at least 1 s, one tick of the slowest VM \(rate 1\/s: --rate-min 1 of standard\), got "0.1"$/,
  },
  {
    name: "run --duration with no tick for the slowest of --rates",
    args: ["run", "--rates", "0.5,4", "--duration", "1"],
    stderr: /^clocklab: --duration: expected at least 2 s, .*\(rate 0.5\/s: --rates 0.5,4\), got "1"$/,
  },
  {
    name: "run --host an impossible IPv4 address",
    args: ["run", "--host", "999.1.1.1"],
    stderr: /^clocklab: --host: expected an IP address or a host name .*, got "999\.1\.1\.1"$/,
  },
  {
    name: "run --host of another machine",
    args: ["run", "--host", ELSEWHERE, "--trials", "1", "--duration", "1"],
    stderr:
      /^clocklab: --host: cannot listen on 192\.0\.2\.1: not an address of this machine \(EADDRNOTAVAIL\)$/,
  },
  {
    name: "run --rates empty",
    args: ["run", "--rates", ""],
    stderr:
      /^clocklab: --rates: expected two or more rates > 0 separated by commas \(e\.g\. 1,3,6\), got ""$/,
  },
  {
    name: "run --rates with an empty item inside",
    args: ["run", "--rates", "1,,3"],
    stderr: /^clocklab: --rates: expected two or more rates .*, got "1,,3" \(item 2 is empty\)$/,
  },
  {
    name: "run --rates with a trailing comma",
    args: ["run", "--rates", "1,2,"],
    stderr: /^clocklab: --rates: expected two or more rates .*, got "1,2," \(item 3 is empty\)$/,
  },
  {
    name: "run --rates with a word",
    args: ["run", "--rates", "1,x,3"],
    stderr:
      /^clocklab: --rates: expected two or more rates .*, got "1,x,3" \(item 2, "x", is not a rate > 0\)$/,
  },
  {
    name: "run --rates with a zero",
    args: ["run", "--rates", "0,2"],
    stderr:
      /^clocklab: --rates: expected two or more rates .*, got "0,2" \(item 1, "0", is not a rate > 0\)$/,
  },
  {
    name: "run --rates with one rate",
    args: ["run", "--rates", "5"],
    stderr: /^clocklab: --rates: expected two or more rates .*, got "5" \(1 item\)$/,
  },
  {
    name: "run --rates not matching --vms",
    args: ["run", "--rates", "1,3", "--vms", "3"],
    stderr: /^clocklab: --rates: expected 3 rates \(one per VM, --vms 3\), got 2$/,
  },
  {
    name: "run --experiment unknown",
    args: ["run", "--experiment", "wrong"],
    stderr: /^clocklab: --experiment: expected one of standard, smaller-variation, all, got "wrong"$/,
  },
  {
    name: "run --experiment empty",
    args: ["run", "--experiment", ""],
    stderr: /^clocklab: --experiment: expected one of standard, smaller-variation, all, got ""$/,
  },
  {
    name: "run --experiment without its value",
    args: ["run", "--experiment"],
    stderr: /^clocklab: --experiment: expected a value after it \(--experiment <name>\), got nothing$/,
  },
  {
    name: "run --vms one",
    args: ["run", "--vms", "1"],
    stderr: /^clocklab: --vms: expected an integer 2-1000, got "1"$/,
  },
  {
    name: "run --trials zero",
    args: ["run", "--trials", "0"],
    stderr: /^clocklab: --trials: expected an integer >= 1, got "0"$/,
  },
  {
    name: "run --duration infinite",
    args: ["run", "--duration", "Infinity"],
    stderr: /^clocklab: --duration: expected a number > 0, got "Infinity"$/,
  },
  {
    name: "run --event-range below the VMs",
    args: ["run", "--event-range", "2"],
    stderr: /^clocklab: --event-range: expected an integer >= 3 \(peers \+ 1\) for 3 VMs in standard, got 2$/,
  },
  {
    name: "run --multiplier zero",
    args: ["run", "--multiplier", "0"],
    stderr: /^clocklab: --multiplier: expected a number > 0, got "0"$/,
  },
  {
    name: "run --seed a word",
    args: ["run", "--seed", "abc"],
    stderr: /^clocklab: --seed: expected an integer >= 0, got "abc"$/,
  },
  {
    name: "run --base-port without room for the VMs",
    args: ["run", "--base-port", "65535"],
    stderr: /^clocklab: --base-port: 65535 leaves too few ports below 65536 for 3 VMs$/,
  },
  {
    name: "run --on-failure unknown",
    args: ["run", "--on-failure", "maybe"],
    stderr: /^clocklab: --on-failure: expected one of continue, stop, got "maybe"$/,
  },
  {
    name: "run --start-delay negative",
    args: ["run", "--start-delay", "-1"],
    stderr: /^clocklab: --start-delay: expected milliseconds from 0 to 600000, got "-1"$/,
  },
  {
    name: "run --start-delay in seconds of years",
    args: ["run", "--start-delay", "1e12"],
    stderr: /^clocklab: --start-delay: expected milliseconds from 0 to 600000, got "1e12"$/,
  },
  {
    name: "run --drain of an hour",
    args: ["run", "--drain", "3600000"],
    stderr: /^clocklab: --drain: expected milliseconds from 0 to 600000, got "3600000"$/,
  },
  {
    name: "run --gap-timeout empty",
    args: ["run", "--gap-timeout", ""],
    stderr: /^clocklab: --gap-timeout: expected milliseconds from 0 to 600000, got ""$/,
  },
  {
    name: "run --transport empty",
    args: ["run", "--transport", ""],
    stderr: /^clocklab: --transport: expected one of zmq, tcp, http, udp, got ""$/,
  },
  {
    name: "run --log-dir empty",
    args: ["run", "--log-dir", ""],
    stderr: /^clocklab: --log-dir: expected a folder, got ""$/,
  },
  {
    name: "run --log-dir below a file",
    args: ["run", "--log-dir", "taken/logs", "--trials", "1", "--duration", "1"],
    setup: fileAt("taken"),
    stderr: /^clocklab: --log-dir: cannot write taken(\/logs)? \(ENOTDIR\): a file is in the way$/,
  },
  {
    name: "run --log-dir where folders cannot be made",
    args: ["run", "--log-dir", "/proc/clocklab-x", "--trials", "1", "--duration", "1"],
    stderr: /^clocklab: --log-dir: cannot write \/proc\/clocklab-x \(ENOENT\): folders cannot be made there$/,
  },
  {
    name: "run --partition ending before it starts",
    args: ["run", "--partition", "5001-5002@10-5"],
    stderr: /^clocklab: --partition: expected A-B@START-END or A>B@START-END .*, got "5001-5002@10-5"$/,
  },
  {
    name: "run --curve on tcp",
    args: ["run", "--transport", "tcp", "--curve"],
    stderr: /^clocklab: --curve: only the zmq transport authenticates, got --transport tcp$/,
  },
  {
    name: "run with a misspelt flag",
    args: ["run", "--hmtl"],
    stderr: /^clocklab: --hmtl: unknown option of run, did you mean --html\?; see clocklab run --help$/,
  },
  {
    name: "run with a stray word",
    args: ["run", "standard"],
    stderr: /^clocklab: run: expected only flags, got "standard" \(a value without its flag\?\)$/,
  },

  // compare
  {
    name: "compare --transports empty",
    args: ["compare", "--transports", ""],
    stderr: /^clocklab: --transports: expected transports among zmq, tcp, http, udp .*, got ""$/,
  },
  {
    name: "compare --transports with an empty item",
    args: ["compare", "--transports", "zmq,,tcp"],
    stderr: /^clocklab: --transports: expected transports .*, got "zmq,,tcp" \(item 2 is empty\)$/,
  },
  {
    name: "compare --transports with an unknown one",
    args: ["compare", "--transports", "zmq,pigeon"],
    stderr:
      /^clocklab: --transports: expected transports .*, got "zmq,pigeon" \(item 2, "pigeon", is not one of zmq, tcp, http, udp\)$/,
  },
  {
    name: "compare --transports without its value",
    args: ["compare", "--transports"],
    stderr: /^clocklab: --transports: expected a value after it \(--transports <list>\), got nothing$/,
  },
  {
    name: "compare --duration with no tick, before any folder or header",
    args: ["compare", "--duration", "0.1", "--trials", "1"],
    stderr: /^clocklab: --duration: expected at least 1 s, .*got "0.1"$/,
  },
  {
    name: "compare --host of another machine, before any folder or header",
    args: ["compare", "--host", ELSEWHERE, "--trials", "1", "--duration", "1"],
    stderr:
      /^clocklab: --host: cannot listen on 192\.0\.2\.1: not an address of this machine \(EADDRNOTAVAIL\)$/,
  },
  {
    name: "compare --rates with an empty item",
    args: ["compare", "--rates", "2,,3"],
    stderr: /^clocklab: --rates: expected two or more rates .*, got "2,,3" \(item 2 is empty\)$/,
  },
  {
    name: "compare --log-dir a file",
    args: ["compare", "--log-dir", "taken", "--trials", "1", "--duration", "1"],
    setup: fileAt("taken"),
    stderr:
      /^clocklab: --log-dir: cannot write taken\/\d{8}-\d{6}-compare \(ENOTDIR\): a file is in the way$/,
  },

  // the program
  {
    name: "an unknown command",
    args: ["frob"],
    stderr: /^clocklab: unknown command "frob"; see clocklab --help$/,
  },
];
