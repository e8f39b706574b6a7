#!/usr/bin/env bash
# Throughput of data-parallel training on this machine: images/s of 1 process with T threads
# against 2 processes with T/2 threads each (CONVNET_NUM_THREADS, so the cores are not
# oversubscribed), and the share of a step the 2 processes spend in MPI exchanges (all-reduce,
# including waiting for the slower process). Global batch and data are the same in both runs.
#
# Usage: scripts/mpi-scaling.sh [THREADS]      (THREADS: cores to use, default 2)
# Rows: lenet5, resnet20 (per-process batch norm, then --sync-bn), resnet18 (torchvision, 11.7M
# parameters, on the 28×28 digits: little compute per step for its 47 MB of gradients).
# The rate is taken from the run's history between its first logged step and its last, so
# start-up, the first (warm-up) steps and evaluation are left out. Needs an MPI build (the
# script makes one) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
threads=${1:-2}
CONVNET_MPI=1 swift build -c release --product convnet 2>&1 | tail -n 1
convnet="$PWD/.build/release/convnet"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rate() {  # rate HISTORY BATCH: images/s between the first and the last step line
  python3 - "$1" "$2" <<'PY'
import json, sys
steps = [json.loads(l) for l in open(sys.argv[1]) if '"kind":"step"' in l]
a, b = steps[0], steps[-1]
print(f"{(b['step'] - a['step']) * int(sys.argv[2]) / (b['elapsed_seconds'] - a['elapsed_seconds']):.1f}")
PY
}

printf "%-13s %6s %7s %12s %12s %7s %11s %10s\n" arch batch steps "1×${threads} img/s" "2×$((threads / 2)) img/s" ratio "ms/step(2)" "MPI share"
for spec in "lenet5 64 300 50" "resnet20 32 40 10" "resnet20 32 40 10 --sync-bn" "resnet18 16 16 4"; do
  read -r arch batch steps every flags <<<"$spec"
  args=(train --arch "$arch" --batch-size "$batch" --max-steps "$steps" --epochs 1 --no-shuffle --val-split 0.01
    --history-every "$every")
  CONVNET_NUM_THREADS=$threads "$convnet" "${args[@]}" --save "$work/$arch-1.safetensors" > "$work/$arch-1.log" 2>&1
  # shellcheck disable=SC2086
  mpirun -np 2 --bind-to none -x CONVNET_NUM_THREADS=$((threads / 2)) "$convnet" "${args[@]}" ${flags:-} \
    --save "$work/$arch-2.safetensors" > "$work/$arch-2.log" 2>&1
  one=$(rate "$work/$arch-1.history.jsonl" "$batch")
  two=$(rate "$work/$arch-2.history.jsonl" "$batch")
  line=$(grep "^distributed: .* per step" "$work/$arch-2.log" | tail -n 1)
  per_step=$(sed -E 's/^distributed: ([0-9.]+) ms per step.*/\1/' <<<"$line")
  share=$(sed -E 's/.*\(([0-9.]+%)\).*/\1/' <<<"$line")
  printf "%-13s %6s %7s %12s %12s %7s %11s %10s\n" "$arch${flags:+ sync}" "$batch" "$steps" "$one" "$two" \
    "$(python3 -c "print(f'{$two / $one:.2f}')")" "$per_step" "$share"
done
