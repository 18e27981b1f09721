import { timestampOf } from "./sql.js";

/**
 * The tables drawn from `events` inside the database, in SQL: one pass of DuckDB over rows it
 * already holds, not a second reading of the logs, and no per-message objects in Node (a run of
 * a million records has hundreds of thousands of messages).
 */

const RECORDS_OF = (kind: string, columns: string) =>
  `SELECT experiment, trial, vm, line, t, time, ${columns} FROM events WHERE kind = '${kind}' ORDER BY experiment, trial, vm, line`;

export const REJECTS_SQL = `${RECORDS_OF("reject", `reason, detail, "from", seq, count`)}`;
export const GAPS_SQL = `${RECORDS_OF("gap", `"from", senderEpoch, missing`)}`;
export const FAULTS_SQL = `${RECORDS_OF("fault", `fault, "to"[1] AS "to", seq, epoch`)}`;

/**
 * One row per send's recipient, its receive joined on (sender, sender's incarnation, receiver,
 * seq): a receive without the sender's epoch (older logs) belongs to the sender's first one, as
 * inspect reads it. A seq received twice is matched to its first receive. `jump` is the receive's
 * (events.jump, made while staging), so inspect's jump when > 0.
 * A message without a receive says why, by the first of: the sender's fault record (loss,
 * partition), a reject naming its sender and seq, a gap record giving its seq up; else unreceived.
 */
export const MESSAGES_SQL = `
WITH first_epoch AS (
  SELECT experiment, trial, vm, min(epoch) AS epoch FROM events WHERE kind = 'start' GROUP BY ALL
),
r AS (
  SELECT k.experiment, k.trial, k."from" AS sender, k.vm AS receiver, k.seq,
    coalesce(k.senderEpoch, f.epoch) AS epoch, k.line, k.tick, k.clock, k.t, k.sentAt, k.arrivedAt, k.jump
  FROM events k LEFT JOIN first_epoch f ON f.experiment = k.experiment AND f.trial = k.trial AND f.vm = k."from"
  WHERE k.kind = 'receive'
  QUALIFY row_number() OVER (
    PARTITION BY k.experiment, k.trial, k."from", k.vm, coalesce(k.senderEpoch, f.epoch), k.seq ORDER BY k.line
  ) = 1
),
s AS (
  SELECT experiment, trial, vm AS sender, epoch, line, tick, clock, t, unnest("to") AS receiver, unnest(seqs) AS seq
  FROM events WHERE kind = 'send'
),
dropped AS (
  SELECT experiment, trial, vm AS sender, epoch, "to"[1] AS receiver, seq, min(fault) AS fault
  FROM events WHERE kind = 'fault' AND fault IN ('loss', 'partition') GROUP BY ALL
),
refused AS (
  SELECT DISTINCT experiment, trial, "from" AS sender, vm AS receiver, seq
  FROM events WHERE kind = 'reject' AND "from" IS NOT NULL AND seq IS NOT NULL
),
given_up AS (
  SELECT DISTINCT g.experiment, g.trial, g."from" AS sender, g.vm AS receiver,
    coalesce(g.senderEpoch, f.epoch) AS epoch, unnest(g.missing) AS seq
  FROM events g LEFT JOIN first_epoch f ON f.experiment = g.experiment AND f.trial = g.trial AND f.vm = g."from"
  WHERE g.kind = 'gap'
)
SELECT s.experiment, s.trial, s.sender, s.receiver, s.seq, s.epoch,
  s.line AS sendLine, s.tick AS sendTick, s.clock AS sendClock, s.t AS sendT, ${timestampOf("s.t")} AS sendTime,
  r.arrivedAt, r.line AS receiveLine, r.tick AS receiveTick, r.clock AS receiveClock,
  r.t AS receiveT, ${timestampOf("r.t")} AS receiveTime, r.clock - r.jump - 1 AS previousClock,
  r.t - r.arrivedAt AS waitMs, r.arrivedAt - r.sentAt AS latencyMs, r.jump,
  r.line IS NULL AS lost,
  CASE
    WHEN r.line IS NOT NULL THEN NULL
    WHEN d.fault IS NOT NULL THEN CAST(d.fault AS VARCHAR)
    WHEN x.seq IS NOT NULL THEN 'rejected'
    WHEN g.seq IS NOT NULL THEN 'gap'
    ELSE 'unreceived'
  END::lost_why AS lostWhy
FROM s
LEFT JOIN r ON r.experiment = s.experiment AND r.trial = s.trial AND r.sender = s.sender
  AND r.receiver = s.receiver AND r.epoch = s.epoch AND r.seq = s.seq
LEFT JOIN dropped d ON d.experiment = s.experiment AND d.trial = s.trial AND d.sender = s.sender
  AND d.receiver = s.receiver AND d.epoch = s.epoch AND d.seq = s.seq
LEFT JOIN refused x ON x.experiment = s.experiment AND x.trial = s.trial AND x.sender = s.sender
  AND x.receiver = s.receiver AND x.seq = s.seq
LEFT JOIN given_up g ON g.experiment = s.experiment AND g.trial = s.trial AND g.sender = s.sender
  AND g.receiver = s.receiver AND g.epoch = s.epoch AND g.seq = s.seq
ORDER BY s.experiment, s.trial, s.t, s.sender, s.line, s.receiver`;
