import { quote, timestampOf } from "./sql.js";

/**
 * The staged events file's columns (stage.ts): each record's place under `_` keys, then the log's
 * own fields as the VMs write them. Fields whose type depends on the kind (`seq`: a list on a
 * send, a number elsewhere; `to`: a list on a send, one id on a fault) are read as JSON and
 * typed per kind below; `epoch` is the VM's own on a start record and the sender's on a receive
 * or gap; `kind` is a fault's.
 */
const STAGED: Readonly<Record<string, string>> = {
  _experiment: "VARCHAR",
  _trial: "INTEGER",
  _vm: "VARCHAR",
  _epoch: "BIGINT",
  _line: "INTEGER",
  _jump: "BIGINT",
  event: "VARCHAR",
  t: "DOUBLE",
  tick: "INTEGER",
  due: "DOUBLE",
  clock: "BIGINT",
  queue: "INTEGER",
  vc: "MAP(VARCHAR, BIGINT)",
  to: "JSON",
  seq: "JSON",
  from: "VARCHAR",
  epoch: "BIGINT",
  msgClock: "BIGINT",
  sentAt: "DOUBLE",
  arrivedAt: "DOUBLE",
  reason: "VARCHAR",
  detail: "VARCHAR",
  count: "INTEGER",
  missing: "INTEGER[]",
  kind: "VARCHAR",
  rate: "DOUBLE",
  peers: "VARCHAR[]",
  startAt: "DOUBLE",
  duration: "DOUBLE",
  ticks: "BIGINT",
  sent: "BIGINT",
  received: "BIGINT",
  pending: "BIGINT",
  rejected: "BIGINT",
  links: "MAP(VARCHAR, STRUCT(sent BIGINT, received BIGINT, pending BIGINT, reordered BIGINT))",
};

/** The rows of `events` (tables.ts EVENTS) from the staged events file at `path`. */
export function eventsOf(path: string): string {
  const columns = Object.entries(STAGED)
    .map(([name, type]) => `${quote(name)}: ${quote(type)}`)
    .join(", ");
  return `
SELECT _experiment AS experiment, _trial AS trial, _vm AS vm, _line AS line, t, ${timestampOf("t")} AS time,
  CAST(event AS event_kind) AS kind, _epoch AS epoch, tick, due, clock, queue, vc, _jump AS jump,
  CASE event WHEN 'send' THEN CAST("to" AS VARCHAR[]) WHEN 'fault' THEN [CAST("to" ->> '$' AS VARCHAR)] END AS "to",
  CASE event WHEN 'send' THEN CAST(seq AS INTEGER[]) END AS seqs,
  "from",
  CASE WHEN event IN ('receive', 'reject', 'fault') THEN CAST(seq AS INTEGER) END AS seq,
  CASE WHEN event IN ('receive', 'gap') THEN epoch END AS senderEpoch,
  msgClock, sentAt, arrivedAt, reason, detail,
  CASE event WHEN 'reject' THEN coalesce(count, 1) END AS count,
  missing, CAST(kind AS fault_kind) AS fault, rate, peers, startAt, duration,
  ticks, sent, received, pending, rejected, links
FROM read_json(${quote(path)}, format = 'newline_delimited', columns = {${columns}})`;
}
