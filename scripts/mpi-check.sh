#!/usr/bin/env bash
# Data-parallel training over MPI, checked on this machine (2 processes over loopback/shared
# memory). Builds convnet with MPI (CONVNET_MPI=1) and checks:
#
#  1. Equivalence: 2 processes × global batch 2B end with the weights of 1 process × batch 2B
#     (--no-shuffle --max-steps S): lenet5 and resnet20 (--sync-bn), SGD and Adam. Measure: the
#     relative L2 difference over the whole model (weights and running statistics),
#     ‖a − b‖ / ‖b‖, must be ≤ max(1e-5, 3 × the noise floor), the noise floor being what the
#     summation order alone does: the same 1-process run with 2 threads instead of 1. For three
#     cases that is 1e-5; for resnet20 + Adam the floor itself is ~7e-5: behind batch norm the
#     gradients are sums that cancel to near zero, and Adam divides each gradient by its own
#     magnitude, so rounding-level changes of near-zero gradients become lr-sized steps. The
#     largest per-tensor difference is printed too. Per-process batch norm instead of
#     --sync-bn, or gradients summed instead of averaged, land far outside the tolerance.
#     Buckets: 10 KB buckets give the same bits as one 25 MB bucket.
#  2. Resume with another process count: 2 processes save after S1 steps, 1 process resumes to
#     S2; same weights as 1 process for S2 steps.
#  3. Faults: one process killed (SIGKILL) mid-run → mpirun ends the run with an error within
#     30 s; one process stopped (SIGSTOP) → the other gives up after --mpi-timeout with its
#     message. Either way the last checkpoint is intact (convnet eval reads it).
#
# Usage: scripts/mpi-check.sh            (needs Open MPI: apt-get install libopenmpi-dev openmpi-bin)
# Environment: MPI_LAUNCH (a command to run mpirun under), MPIRUN_EXTRA (more mpirun arguments;
#              both used by mpi-netns.sh), MPI_CHECK_ONLY=equivalence (skip 2 and 3).
set -euo pipefail
cd "$(dirname "$0")/.."

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root
export OMPI_MCA_rmaps_base_oversubscribe=1                         # 2 processes even on 1 core

echo "mpi-check: building convnet with MPI (CONVNET_MPI=1 swift build -c release --product convnet)"
CONVNET_MPI=1 swift build -c release --product convnet 2>&1 | tail -n 1
convnet="$PWD/.build/release/convnet"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "mpi-check: FAIL: $*"; failures=$((failures + 1)); }

# 600 MNIST images held out to evaluate on (fast); the rest trained on, in file order.
common=(--no-shuffle --epochs 1 --val-split 0.01 --history-every 0)
# MPI_LAUNCH: a command mpirun runs under (e.g. "ip netns exec NS", see mpi-netns.sh).
# shellcheck disable=SC2206
mpirun=(${MPI_LAUNCH:-} mpirun -np 2 --bind-to none -x CONVNET_NUM_THREADS=1 ${MPIRUN_EXTRA:-})

one() {  # one NAME ARGS…: a single process, one thread
  local name=$1; shift
  CONVNET_NUM_THREADS=${THREADS:-1} "$convnet" train "${common[@]}" --save "$work/$name.safetensors" "$@" \
    > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; fail "$name: the 1-process run failed"; return 1; }
}
two() {  # two NAME ARGS…: two processes under mpirun
  local name=$1; shift
  "${mpirun[@]}" "$convnet" train "${common[@]}" --save "$work/$name.safetensors" "$@" \
    > "$work/$name.log" 2>&1 || { cat "$work/$name.log"; fail "$name: the 2-process run failed"; return 1; }
}
compare() {  # compare A B [compare options…]
  local a=$1 b=$2; shift 2
  python3 scripts/mpi-compare-weights.py "$work/$a.safetensors" "$work/$b.safetensors" "$@" \
    || fail "$b differs from $a"
}

# 1. Equivalence.
equivalence() {  # equivalence ARCH OPTIMIZER STEPS BATCH
  local arch=$1 optimizer=$2 steps=$3 batch=$4
  local name="$arch-$optimizer" sync=() run=(--arch "$1" --optimizer "$2" --max-steps "$3" --batch-size "$4")
  [[ $arch == resnet20 ]] && sync=(--sync-bn)
  echo "mpi-check: $arch, $optimizer, $steps steps of batch $batch: 1 process vs 2 × $((batch / 2))${sync:+ (--sync-bn)}"
  one "$name-1" "${run[@]}" && THREADS=2 one "$name-1t2" "${run[@]}" && two "$name-2" "${run[@]}" "${sync[@]}" \
    || return 0
  grep -h "^distributed:" "$work/$name-2.log" | tail -n 1 || true
  local floor tolerance
  floor=$(python3 scripts/mpi-compare-weights.py "$work/$name-1.safetensors" "$work/$name-1t2.safetensors" --value)
  tolerance=$(python3 -c "print(max(1e-5, 3 * $floor))")
  echo "mpi-check: noise floor (1 process, 1 vs 2 threads) $floor → tolerance $tolerance"
  compare "$name-1" "$name-2" --whole-model --tol "$tolerance"
}
equivalence lenet5 sgd 20 64
equivalence lenet5 adam 20 64
equivalence resnet20 sgd 3 16
equivalence resnet20 adam 3 16
# Buckets only cut the all-reduce into pieces: 10 KB buckets (lenet5's 247 KB of gradients in 25,
# cut across tensors) must give the very same bits as one 25 MB bucket.
echo "mpi-check: lenet5 with 10 KB buckets vs one 25 MB bucket: identical bits"
two lenet5-sgd-2-small --arch lenet5 --max-steps 20 --batch-size 64 --bucket-mb 0.01 \
  && grep -h "buckets per step\|bucket per step" "$work/lenet5-sgd-2-small.log" | tail -n 1 \
  && compare lenet5-sgd-2 lenet5-sgd-2-small --tol 0

if [[ ${MPI_CHECK_ONLY:-} == equivalence ]]; then
  [[ $failures == 0 ]] && echo "mpi-check: all checks passed" || echo "mpi-check: $failures check(s) failed"
  exit $((failures > 0))
fi

# 2. Resume with another process count: 2 processes to step 8, 1 process on to step 16.
echo "mpi-check: resume — 2 processes save after 8 steps, 1 process continues to 16"
two resume-a --arch lenet5 --max-steps 8 --batch-size 32 \
  && cp "$work/resume-a.safetensors" "$work/resume-b.safetensors" \
  && one resume-b-run --arch lenet5 --max-steps 16 --batch-size 32 --resume "$work/resume-b.safetensors" \
  && one resume-ref --arch lenet5 --max-steps 16 --batch-size 32 \
  && compare resume-ref resume-b-run

# 3. Faults. start_run LOG ARGS…: a long 2-process run in the background, saving every 10 steps.
# Many epochs, so that on a quiet machine (an epoch of lenet5 takes ~2 s) the run is still going
# when the fault comes; --max-steps bounds it.
start_run() {
  local log=$1; shift
  "${mpirun[@]}" "$convnet" train --no-shuffle --epochs 1000 --val-split 0.01 --history-every 0 \
    --arch lenet5 --batch-size 32 --max-steps 100000 \
    --save "$work/fault.safetensors" --save-every 10 "$@" > "$log" 2>&1 &
  run_pid=$!
  local waited=0
  until [[ -f $work/fault.safetensors ]]; do
    sleep 1; waited=$((waited + 1))
    if ! kill -0 "$run_pid" 2>/dev/null || ((waited > 300)); then
      cat "$log"; fail "the run to disturb did not save a checkpoint"; return 1
    fi
  done
  sleep 2
  victim=""
  for pid in $(ps -o pid= --ppid "$run_pid"); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1"; then victim=$pid; fi
  done
  [[ -n $victim ]] || { fail "process 1 of the run not found"; kill "$run_pid"; wait "$run_pid" || true; return 1; }
}
wait_run() {  # wait_run BOUND: waits for the run to end, at most BOUND seconds; sets status, seconds
  local bound=$1 started=$SECONDS
  while kill -0 "$run_pid" 2>/dev/null && ((SECONDS - started < bound + 30)); do sleep 1; done
  seconds=$((SECONDS - started))
  if kill -0 "$run_pid" 2>/dev/null; then
    fail "the run still runs $seconds s after the fault"; kill -KILL "$run_pid" || true
  fi
  status=0; wait "$run_pid" || status=$?
  ((seconds <= bound)) || fail "the run took $seconds s to stop (bound $bound s)"
  ((status != 0)) || fail "the run ended with status 0 after losing a process"
}
checkpoint_intact() {
  "$convnet" eval --weights "$work/fault.safetensors" --val-split 0.01 > "$work/eval.log" 2>&1 \
    && echo "mpi-check: the last checkpoint is intact ($(grep -m1 -i "accuracy\|acc" "$work/eval.log" | head -c 80))" \
    || { cat "$work/eval.log"; fail "the last checkpoint cannot be read"; }
}

echo "mpi-check: kill — process 1 killed (SIGKILL) mid-run"
rm -f "$work/fault.safetensors"
if start_run "$work/kill.log"; then
  kill -KILL "$victim"
  wait_run 30
  echo "mpi-check: stopped after $seconds s with status $status: $(grep -m1 -iE "signal|no answer|failed" "$work/kill.log" || true)"
  grep -qiE "signal 9|killed|no answer|failed" "$work/kill.log" || { cat "$work/kill.log"; fail "no message says what happened"; }
  checkpoint_intact
fi

echo "mpi-check: hang — process 1 stopped (SIGSTOP); the other gives up after --mpi-timeout 10"
rm -f "$work/fault.safetensors"
if start_run "$work/hang.log" --mpi-timeout 10; then
  kill -STOP "$victim"
  wait_run 45
  kill -KILL "$victim" 2>/dev/null || true
  echo "mpi-check: stopped after $seconds s with status $status: $(grep -m1 "no answer" "$work/hang.log" || true)"
  grep -q "no answer from the other processes" "$work/hang.log" || { cat "$work/hang.log"; fail "no timeout message"; }
  checkpoint_intact
fi

[[ $failures == 0 ]] && echo "mpi-check: all checks passed" || echo "mpi-check: $failures check(s) failed"
exit $((failures > 0))
