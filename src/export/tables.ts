/**
 * The tables of `inspect --parquet` and `--duckdb`: every column's name, DuckDB type and meaning,
 * in one list. The tables are created from it (so the types are these, never guessed from data)
 * and the README's table is printed from it (docs.ts `columnsMarkdown()`), so the
 * names and types a notebook relies on change only here, on purpose.
 *
 * Integers are integer types and nullable: a column a kind of record does not have is NULL,
 * never 0 and never a float. Times are kept twice: `t`-style columns as the log's milliseconds
 * since the Unix epoch (DOUBLE, exact, for arithmetic) and a TIMESTAMP (microseconds) for plots.
 */

/** One column: name, DuckDB type, what it holds. */
export type Column = readonly [name: string, type: string, doc: string];

/** The record kinds of the log schema, in the order a log holds them. */
export const EVENT_KINDS = [
  "start",
  "internal",
  "send",
  "receive",
  "reject",
  "gap",
  "fault",
  "stop",
] as const;
export const FAULT_KINDS = ["loss", "partition", "duplicate"] as const;
/** Why a message has no receive, in the order they are looked for. */
export const LOST_WHY = ["loss", "partition", "rejected", "gap", "unreceived"] as const;

const enumOf = (values: readonly string[]) => `ENUM(${values.map((v) => `'${v}'`).join(", ")})`;

/** Types created before the tables, so that columns can name them. */
export const TYPES: Readonly<Record<string, string>> = {
  event_kind: enumOf(EVENT_KINDS),
  fault_kind: enumOf(FAULT_KINDS),
  lost_why: enumOf(LOST_WHY),
};

const TRIAL_KEY: Column[] = [
  ["experiment", "VARCHAR", "experiment folder relative to what was inspected ('.' for itself)"],
  ["trial", "INTEGER", "trial number"],
];
const VM_KEY: Column[] = [...TRIAL_KEY, ["vm", "VARCHAR", "the VM's id (its port)"]];
/** A record's place in the logs, shared by the tables drawn from `events`. */
const WHERE: Column[] = [
  ...VM_KEY,
  ["line", "INTEGER", "1-based line of the record in its log"],
  ["t", "DOUBLE", "wall time, ms since the Unix epoch, as logged"],
  ["time", "TIMESTAMP", "`t` as a timestamp (UTC, microseconds)"],
];

const RUNS: Column[] = [
  ["paths", "VARCHAR[]", "what was inspected"],
  ["file", "VARCHAR", "the run.json read (NULL: none, e.g. plain log files)"],
  ["status", "VARCHAR", "run.json's status (completed, failed, interrupted, running); NULL without run.json"],
  ["mode", "VARCHAR", "real (processes) or sim (virtual time); NULL without run.json"],
  ["command", "VARCHAR[]", "the command line that made the run"],
  ["clocklab", "VARCHAR", "clocklab version that made the run"],
  ["seed", "BIGINT", "the run's seed"],
  ["startedAt", "TIMESTAMP", "when the run started"],
  ["finishedAt", "TIMESTAMP", "when it finished"],
  ["hostname", "VARCHAR", "machine it ran on"],
  ["transport", "VARCHAR", "how messages travelled, in words"],
  ["faults", "VARCHAR[]", "injected faults in words (empty: none)"],
  ["ok", "BOOLEAN", "every check of every trial passed"],
  ["interrupted", "BOOLEAN", "stopped before every trial ran to its end"],
  ["trials", "INTEGER", "trials inspected"],
];

const TRIALS: Column[] = [
  ...TRIAL_KEY,
  ["mode", "VARCHAR", "real or sim (from run.json; NULL without)"],
  ["transport", "VARCHAR", "the VMs' transport (start records)"],
  ["seed", "BIGINT", "the seed in the start records"],
  ["faults", "VARCHAR[]", "injected faults in words (from run.json)"],
  ["vms", "INTEGER", "VMs in the trial"],
  ["rates", "DOUBLE[]", "every VM's rate (ticks/s), in VM order"],
  ["startAt", "DOUBLE", "first tick's deadline, ms since the Unix epoch"],
  ["durationS", "DOUBLE", "planned seconds of ticking"],
  ["ok", "BOOLEAN", "every check passed"],
  ["failedChecks", "VARCHAR[]", "names of the checks that failed"],
  ["interrupted", "BOOLEAN", "a VM was stopped by a signal"],
  ["crashes", "INTEGER", "VM processes that died without a stop record"],
  ["lostWithCrashes", "BIGINT", "messages that went down with a crash"],
  ["firstTickSpreadMs", "DOUBLE", "spread of the VMs' first ticks"],
  ["spreadMean", "DOUBLE", "mean gap between the largest and smallest clock on the grid"],
  ["spreadMax", "DOUBLE", "its largest value"],
  ["spreadFinal", "DOUBLE", "its value at the end"],
  ["latencyP50Ms", "DOUBLE", "delivery latency over every VM, median"],
  ["latencyP99Ms", "DOUBLE", "and 99th percentile"],
  ["latenessP99Ms", "DOUBLE", "tick lateness over every VM, 99th percentile"],
];

const VMS: Column[] = [
  ...VM_KEY,
  ["rate", "DOUBLE", "ticks per second"],
  ["ratio", "DOUBLE", "rate / the fastest rate of the trial (1 for the fastest)"],
  ["eventRange", "INTEGER", "draws are 1..eventRange"],
  ["peers", "VARCHAR[]", "the VM's peers"],
  ["transport", "VARCHAR", "from its start record"],
  ["seed", "BIGINT", "from its start record"],
  ["host", "VARCHAR", "machine from its start record ('sim' when simulated)"],
  ["startAt", "DOUBLE", "first tick's deadline, ms since the Unix epoch"],
  ["durationS", "DOUBLE", "planned seconds of ticking"],
  ["ticks", "BIGINT", "ticks logged"],
  ["planned", "BIGINT", "ticks planned"],
  ["due", "BIGINT", "ticks due before it stopped"],
  ["stopReason", "VARCHAR", "duration, signal or error; NULL: no stop record"],
  ["ranS", "DOUBLE", "seconds it ran"],
  ["records", "BIGINT", "records read"],
  ["badLines", "BIGINT", "lines that are not records"],
  ["internal", "BIGINT", "internal events"],
  ["send", "BIGINT", "send events"],
  ["receive", "BIGINT", "receive events"],
  ["reject", "BIGINT", "rejected messages (a coalesced record counts its count)"],
  ["gap", "BIGINT", "gap records"],
  ["fault", "BIGINT", "fault records"],
  ["finalClock", "BIGINT", "last Lamport clock"],
  ["clockPerSecond", "DOUBLE", "clock per second run"],
  ["clockPerRate", "DOUBLE", "clock per second per unit of rate"],
  ["jumpCount", "BIGINT", "receives that moved the clock by more than 1"],
  ["jumpMean", "DOUBLE", "mean size of those jumps (clock - previous - 1)"],
  ["jumpP95", "DOUBLE", "95th percentile"],
  ["jumpMax", "BIGINT", "largest jump"],
  ["meanStep", "DOUBLE", "mean clock step per tick"],
  ["queueMean", "DOUBLE", "queue length after a tick: mean"],
  ["queueP95", "DOUBLE", "95th percentile"],
  ["queueMax", "BIGINT", "largest"],
  ["queueFinal", "BIGINT", "at the last tick"],
  ["latencyCount", "BIGINT", "messages received with a latency"],
  ["latencyP50Ms", "DOUBLE", "delivery latency (arrival - send), median"],
  ["latencyP99Ms", "DOUBLE", "99th percentile"],
  ["latencyMaxMs", "DOUBLE", "largest"],
  ["waitMeanMs", "DOUBLE", "queue wait (receive - arrival): mean"],
  ["waitP99Ms", "DOUBLE", "99th percentile"],
  ["waitMaxMs", "DOUBLE", "largest"],
  ["latenessMeanMs", "DOUBLE", "tick lateness (t - due): mean"],
  ["latenessP99Ms", "DOUBLE", "99th percentile"],
  ["latenessMaxMs", "DOUBLE", "largest"],
  ["early", "BIGINT", "ticks before their deadline"],
  ["sent", "BIGINT", "messages sent (stop record)"],
  ["received", "BIGINT", "messages received (stop record)"],
  ["pending", "BIGINT", "messages still queued at stop"],
  ["rejected", "BIGINT", "messages rejected"],
  ["reordered", "BIGINT", "messages that waited in the reorder buffer"],
  ["dropped", "BIGINT", "messages its fault layer dropped (loss, partition)"],
  ["gapped", "BIGINT", "seqs given up on in gap records"],
  ["lagMean", "DOUBLE", "lag = largest clock - this clock on the grid: mean"],
  ["lagMax", "DOUBLE", "largest"],
  ["lagFinal", "DOUBLE", "at the end"],
  ["maxRssKb", "BIGINT", "peak memory of the VM process (NULL when simulated)"],
  ["cpuMs", "BIGINT", "CPU time of the VM process, user + system (NULL when simulated)"],
];

/** The stop record's per-peer counts, as the `links` column of its row. */
const LINKS_TYPE = "MAP(VARCHAR, STRUCT(sent BIGINT, received BIGINT, pending BIGINT, reordered BIGINT))";

const EVENTS: Column[] = [
  ...WHERE,
  ["kind", "event_kind", "the record's kind (its `event`)"],
  ["epoch", "BIGINT", "the VM's incarnation (from the start record before this one)"],
  ["tick", "INTEGER", "tick number (ticks)"],
  ["due", "DOUBLE", "when the tick was due, ms (ticks)"],
  ["clock", "BIGINT", "Lamport clock after the event (ticks)"],
  ["queue", "INTEGER", "messages still queued after the tick (ticks)"],
  ["vc", "MAP(VARCHAR, BIGINT)", "vector clock after the event, VM id to count (ticks)"],
  [
    "jump",
    "BIGINT",
    "clock - the clock of the tick before - 1: how far the message moved the clock beyond a tick (receive)",
  ],
  ["to", "VARCHAR[]", "recipients (send; fault: its one recipient)"],
  ["seqs", "INTEGER[]", "sequence number per recipient, in `to`'s order (send)"],
  ["from", "VARCHAR", "sender (receive, reject when known, gap)"],
  ["seq", "INTEGER", "sequence number (receive, reject when known, fault)"],
  ["senderEpoch", "BIGINT", "the sender's incarnation the seq belongs to (receive, gap)"],
  ["msgClock", "BIGINT", "Lamport stamp the message carried (receive)"],
  ["sentAt", "DOUBLE", "when it was sent, ms (receive)"],
  ["arrivedAt", "DOUBLE", "when it arrived, ms (receive)"],
  ["reason", "VARCHAR", "reject reason, or why the VM stopped (stop)"],
  ["detail", "VARCHAR", "what was rejected (reject)"],
  ["count", "INTEGER", "rejects this record stands for (reject)"],
  ["missing", "INTEGER[]", "seqs given up on (gap)"],
  ["fault", "fault_kind", "loss, partition or duplicate (fault)"],
  ["rate", "DOUBLE", "ticks per second (start)"],
  ["peers", "VARCHAR[]", "peers (start)"],
  ["startAt", "DOUBLE", "first tick's deadline, ms (start)"],
  ["duration", "DOUBLE", "seconds of ticking (start)"],
  ["ticks", "BIGINT", "ticks logged (stop)"],
  ["sent", "BIGINT", "messages sent (stop)"],
  ["received", "BIGINT", "messages received (stop)"],
  ["pending", "BIGINT", "messages still queued (stop)"],
  ["rejected", "BIGINT", "messages rejected (stop)"],
  ["links", LINKS_TYPE, "per peer: sent, received, pending, reordered (stop)"],
];

const MESSAGES: Column[] = [
  ...TRIAL_KEY,
  ["sender", "VARCHAR", "the sending VM"],
  ["receiver", "VARCHAR", "the receiving VM"],
  ["seq", "INTEGER", "sequence number on the link, per sender incarnation"],
  ["epoch", "BIGINT", "the sender's incarnation"],
  ["sendLine", "INTEGER", "line of the send record in the sender's log"],
  ["sendTick", "INTEGER", "the sender's tick"],
  ["sendClock", "BIGINT", "Lamport stamp the message carried"],
  ["sendT", "DOUBLE", "when it was sent, ms since the Unix epoch"],
  ["sendTime", "TIMESTAMP", "`sendT` as a timestamp"],
  ["arrivedAt", "DOUBLE", "when it arrived at the receiver, ms (NULL: lost)"],
  ["receiveLine", "INTEGER", "line of the receive record in the receiver's log (NULL: lost)"],
  ["receiveTick", "INTEGER", "the receiver's tick that took it (NULL: lost)"],
  ["receiveClock", "BIGINT", "the receiver's clock after it: max(previous, sendClock) + 1"],
  ["receiveT", "DOUBLE", "when it was taken off the queue, ms (NULL: lost)"],
  ["receiveTime", "TIMESTAMP", "`receiveT` as a timestamp"],
  ["previousClock", "BIGINT", "the receiver's clock before it"],
  ["waitMs", "DOUBLE", "queue wait: receiveT - arrivedAt"],
  ["latencyMs", "DOUBLE", "delivery latency: arrivedAt - sent time"],
  [
    "jump",
    "BIGINT",
    "receiveClock - previousClock - 1: how far it moved the clock beyond a tick (0: not at all)",
  ],
  ["lost", "BOOLEAN", "no receive of it in the receiver's log"],
  [
    "lostWhy",
    "lost_why",
    "loss or partition (sender's fault record), rejected (a reject naming it), gap (the receiver gave it up), unreceived (none of these: in flight or queued at stop, or a crash)",
  ],
];

const REJECTS: Column[] = [
  ...WHERE,
  ["reason", "VARCHAR", "why the VM refused the message"],
  ["detail", "VARCHAR", "what came"],
  ["from", "VARCHAR", "sender, when known"],
  ["seq", "INTEGER", "its seq, when known"],
  ["count", "INTEGER", "rejects this record stands for (coalesced records: more than 1)"],
];

const GAPS: Column[] = [
  ...WHERE,
  ["from", "VARCHAR", "the sender whose seqs were given up"],
  ["senderEpoch", "BIGINT", "the sender's incarnation"],
  ["missing", "INTEGER[]", "the seqs given up on"],
];

const FAULTS: Column[] = [
  ...WHERE,
  ["fault", "fault_kind", "loss, partition (dropped) or duplicate (sent twice)"],
  ["to", "VARCHAR", "the recipient"],
  ["seq", "INTEGER", "the message's seq"],
  ["epoch", "BIGINT", "the sender's incarnation"],
];

/** Every table, in the order they are written and documented. */
export const TABLES = {
  runs: RUNS,
  trials: TRIALS,
  vms: VMS,
  events: EVENTS,
  messages: MESSAGES,
  rejects: REJECTS,
  gaps: GAPS,
  faults: FAULTS,
} as const satisfies Record<string, Column[]>;

export type TableName = keyof typeof TABLES;

export const TABLE_DOCS: Readonly<Record<TableName, string>> = {
  runs: "one row: what was inspected and what run.json says of it",
  trials: "one row per trial",
  vms: "one row per VM per trial: its configuration and every statistic inspect computes",
  events: "one row per log record",
  messages: "one row per message (a send's recipient), its send and receive side by side",
  rejects: "one row per reject record",
  gaps: "one row per gap record",
  faults: "one row per fault record (messages dropped or duplicated by the sender's fault layer)",
};
