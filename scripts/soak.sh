#!/usr/bin/env bash
# A soak run: many ticks with injected loss, while the resident memory of every VM process is
# sampled, so a leak shows as growth between the first and the last samples. Ends with the
# inspect summary of the run (every message must be explained) and a memory table.
#
# Environment (defaults in brackets):
#   VMS [5]            VMs
#   RATE [50]          ticks per second of every VM
#   DURATION [600]     seconds
#   LOSS [0.01]        probability that a message is dropped (logged, then a gap at the receiver)
#   BASE_PORT [5301]   ports BASE_PORT, +1, ...
#   EVERY [10]         seconds between memory samples
#   OUT [logs]         where the run folder goes; memory samples go to <run folder>/memory.csv
# Short form: DURATION=30 bash scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f dist/cli/index.js ]] || { echo "soak: run 'npm run build' first" >&2; exit 2; }
vms=${VMS:-5} rate=${RATE:-50} duration=${DURATION:-600} every=${EVERY:-10} out=${OUT:-logs}
rates=$(printf "%s," $(yes "$rate" | head -n "$vms")); rates=${rates%,}
samples=$(mktemp)
node dist/cli/index.js run --rates "$rates" --trials 1 --duration "$duration" --loss "${LOSS:-0.01}" \
  --base-port "${BASE_PORT:-5301}" --log-dir "$out" --no-html &
run=$!
trap 'kill -INT $run 2>/dev/null; wait $run; rm -f "$samples"' INT TERM
start=$(date +%s)
while kill -0 "$run" 2>/dev/null; do
  sleep "$every"
  # VM processes are the run's children; rss in kB.
  for pid in $(pgrep -P "$run" || true); do
    port=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | sed -n 's/.*--port \([0-9]*\).*/\1/p')
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n $port && -n $rss ]] && echo "$(( $(date +%s) - start )),$port,$rss" >>"$samples"
  done
done
wait "$run" || status=$?
folder=$(readlink -f "$out/latest")
{ echo "seconds,vm,rss_kb"; cat "$samples"; } >"$folder/memory.csv"
rm -f "$samples"
echo
echo "memory per VM (RSS, MB): first sample, last sample, max; all samples in $folder/memory.csv"
awk -F, 'NR > 1 { if (!($2 in first)) first[$2] = $3; last[$2] = $3; if ($3 > max[$2]) max[$2] = $3 }
  END { for (vm in first) printf "  vm %s: %.1f -> %.1f (max %.1f)\n", vm, first[vm] / 1024, last[vm] / 1024, max[vm] / 1024 }' \
  "$folder/memory.csv" | sort
exit "${status:-0}"
