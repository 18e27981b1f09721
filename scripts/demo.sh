#!/usr/bin/env bash
# The classic exercise: 3 VMs per trial, all started together on one shared start time.
# First the standard experiment (rates 1-6, event range 10), then smaller variation
# (rates 4-6, event range 5: fewer internal events), then the report.
#
# Environment (defaults in brackets):
#   TRIALS [5]        trials per experiment
#   DURATION [60]     seconds per trial
#   BASE_PORT [5001]  ports BASE_PORT, +1, +2
#   SEED [random]     seed for rates and event draws
#   EXPERIMENTS ["standard smaller-variation"]
#   TRANSPORT [zmq]
# Short form: TRIALS=1 DURATION=5 npm run demo
set -euo pipefail
cd "$(dirname "$0")/.."

TRIALS=${TRIALS:-5}
DURATION=${DURATION:-60}
BASE_PORT=${BASE_PORT:-5001}
EXPERIMENTS=${EXPERIMENTS:-"standard smaller-variation"}
TRANSPORT=${TRANSPORT:-zmq}
SEED=${SEED:-}
CLI=(node dist/cli/index.js)

die() { echo "demo: $*" >&2; exit 2; }
[[ $TRIALS =~ ^[1-9][0-9]*$ ]] || die "TRIALS: expected a positive integer, got \"$TRIALS\""
[[ $DURATION =~ ^[0-9]+(\.[0-9]+)?$ ]] && [[ $DURATION != 0 ]] || die "DURATION: expected seconds > 0, got \"$DURATION\""
[[ $BASE_PORT =~ ^[0-9]+$ ]] && ((BASE_PORT >= 1 && BASE_PORT <= 65533)) || die "BASE_PORT: expected 1-65533, got \"$BASE_PORT\""
[[ -z $SEED || $SEED =~ ^[0-9]+$ ]] || die "SEED: expected a non-negative integer, got \"$SEED\""
[[ -f dist/cli/index.js ]] || die "dist/cli/index.js is missing: run 'npm run build' (npm run demo does)"

ports=("$BASE_PORT" $((BASE_PORT + 1)) $((BASE_PORT + 2)))
run_id="$(date +%Y%m%d-%H%M%S)-demo"
run_dir="logs/$run_id"
mkdir -p "$run_dir"

pids=()
stop_vms() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo
  echo "demo: interrupted; logs so far in $run_dir" >&2
  exit 130
}
trap stop_vms INT TERM

now_ms() { node -e 'process.stdout.write(String(Date.now()))'; }

run_trial() { # experiment trial rate_min rate_max event_range
  local exp=$1 trial=$2 rmin=$3 rmax=$4 range=$5
  local start_at=$(($(now_ms) + 1500))
  pids=()
  for port in "${ports[@]}"; do
    local others=()
    for p in "${ports[@]}"; do [[ $p == "$port" ]] || others+=("$p"); done
    "${CLI[@]}" vm --port "$port" --others "${others[@]}" --trial "$trial" --duration "$DURATION" \
      --start-at "$start_at" --rate-min "$rmin" --rate-max "$rmax" --event-range "$range" \
      --transport "$TRANSPORT" --log-dir "$run_dir/$exp" ${SEED:+--seed "$SEED"} --quiet &
    pids+=($!)
  done
  # Progress while the trial runs: a countdown, in place on a terminal, a line every 10 s otherwise.
  local total=${DURATION%.*} waited=0
  while kill -0 "${pids[@]}" 2>/dev/null; do
    if [[ -t 1 ]]; then
      printf '\r  %s trial %d/%d: %ds of %ss ' "$exp" "$trial" "$TRIALS" "$waited" "$DURATION"
    elif ((waited % 10 == 0)); then
      echo "  $exp trial $trial/$TRIALS: ${waited}s of ${DURATION}s"
    fi
    sleep 1
    waited=$((waited + 1))
    ((waited <= total + 30)) || break
  done
  local failed=0
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  pids=()
  [[ -t 1 ]] && printf '\r\033[K'
  ((failed == 0)) || { echo "demo: a VM of $exp trial $trial failed (see above)" >&2; exit 1; }
  echo "  $exp trial $trial/$TRIALS done: $(cd "$run_dir/$exp" && ls trial-"$trial"_*.jsonl | tr '\n' ' ')"
}

echo "clocklab demo: ${TRIALS} trial(s) x ${DURATION}s per experiment, 3 VMs on ports ${ports[*]}, transport $TRANSPORT"
for exp in $EXPERIMENTS; do
  case $exp in
  standard) args=(1 6 10) ;;
  smaller-variation) args=(4 6 5) ;;
  *) die "EXPERIMENTS: unknown experiment \"$exp\" (standard, smaller-variation)" ;;
  esac
  echo "$exp: rates ${args[0]}-${args[1]} ticks/s, event range ${args[2]}"
  for ((trial = 1; trial <= TRIALS; trial++)); do run_trial "$exp" "$trial" "${args[@]}"; done
done

ln -sfn "$run_id" logs/latest
echo
"${CLI[@]}" inspect "$run_dir" || status=$?
echo
echo "logs: $run_dir (also logs/latest)"
exit "${status:-0}"
