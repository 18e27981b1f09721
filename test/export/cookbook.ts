/**
 * The README cookbook's queries over `inspect --duckdb` (or, with `FROM 'tables/<t>.parquet'`,
 * the Parquet files), word for word: the tests run them on a seeded run and hold their results
 * against inspect's own statistics.
 */

/** Mean jump by rate ratio: one row per VM, slowest first. A jump is a receive that moved the clock by more than 1. */
export const MEAN_JUMP_BY_RATIO = `
SELECT v.trial, v.vm, round(v.ratio, 2) AS ratio,
       count(m.jump) FILTER (m.jump > 0) AS jumps,
       round(avg(m.jump) FILTER (m.jump > 0), 3) AS meanJump
FROM vms v LEFT JOIN messages m
  ON m.experiment = v.experiment AND m.trial = v.trial AND m.receiver = v.vm
GROUP BY ALL ORDER BY ratio, v.trial, v.vm`;

/** Drift over time: each VM's lag behind the largest clock, second by second of its trial. */
export const DRIFT_OVER_TIME = `
WITH grid AS (
  SELECT experiment, trial, vm, unnest(range(0, CAST(ceil(durationS) AS BIGINT) + 2)) AS second, startAt
  FROM vms
), clocks AS (
  SELECT g.experiment, g.trial, g.vm, g.second, coalesce(e.clock, 0) AS clock
  FROM grid g ASOF LEFT JOIN (SELECT experiment, trial, vm, t, clock FROM events WHERE clock IS NOT NULL) e
    ON e.experiment = g.experiment AND e.trial = g.trial AND e.vm = g.vm AND e.t <= g.startAt + g.second * 1000
)
SELECT trial, second, vm, clock, max(clock) OVER (PARTITION BY experiment, trial, second) - clock AS lag
FROM clocks ORDER BY trial, second, vm`;

/** Queue trend of the slowest VM of each trial: its queue after each tick, 10 seconds at a time. */
export const SLOWEST_QUEUE_TREND = `
WITH slowest AS (SELECT experiment, trial, arg_min(vm, rate) AS vm FROM vms GROUP BY ALL)
SELECT e.trial, e.vm, CAST(floor((e.t - v.startAt) / 10000) * 10 AS INTEGER) AS fromS,
       count(*) AS ticks, round(avg(e.queue), 3) AS meanQueue, max(e.queue) AS maxQueue
FROM events e
JOIN slowest s ON s.experiment = e.experiment AND s.trial = e.trial AND s.vm = e.vm
JOIN vms v ON v.experiment = e.experiment AND v.trial = e.trial AND v.vm = e.vm
WHERE e.queue IS NOT NULL
GROUP BY ALL ORDER BY e.trial, fromS`;

/** Messages lost by link under faults: per link, sent, lost, and why. */
export const LOST_BY_LINK = `
SELECT trial, sender, receiver, count(*) AS sent,
       count(*) FILTER (lost) AS lost,
       count(*) FILTER (lostWhy IN ('loss', 'partition')) AS dropped,
       round(100 * count(*) FILTER (lost) / count(*), 1) AS lostPct
FROM messages GROUP BY ALL ORDER BY trial, sender, receiver`;
