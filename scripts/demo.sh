#!/usr/bin/env bash
# The classic exercise, as one `clocklab run`: 3 VMs per trial on one shared start time, first the
# standard experiment (rates 1-6, event range 10), then smaller variation (rates 4-6, event range 5:
# fewer internal events), a live view while it runs, then the summary and report.html.
#
# Environment (defaults in brackets):
#   TRIALS [5]         trials per experiment
#   DURATION [60]      seconds per trial
#   BASE_PORT [5001]   ports BASE_PORT, +1, +2
#   SEED [random]      seed of every rate and event draw
#   EXPERIMENTS [all]  all, standard or smaller-variation
#   TRANSPORT [zmq]
#   UI [off]           a port (e.g. 8080): also show the run live in a browser at that port (run --ui)
# Short form: TRIALS=1 DURATION=5 npm run demo
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f dist/cli/index.js ]] || { echo "demo: dist/cli/index.js is missing: run 'npm run build' (npm run demo does)" >&2; exit 2; }

args=(run --experiment "${EXPERIMENTS:-all}")
[[ -n ${TRIALS:-} ]] && args+=(--trials "$TRIALS")
[[ -n ${DURATION:-} ]] && args+=(--duration "$DURATION")
[[ -n ${BASE_PORT:-} ]] && args+=(--base-port "$BASE_PORT")
[[ -n ${SEED:-} ]] && args+=(--seed "$SEED")
[[ -n ${TRANSPORT:-} ]] && args+=(--transport "$TRANSPORT")
[[ -n ${UI:-} ]] && args+=(--ui-port "$UI")
exec node dist/cli/index.js "${args[@]}"
