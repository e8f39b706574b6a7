#!/usr/bin/env bash
# Measures ConvNet and its peers (PyTorch eager, ONNX Runtime, numpy) on the same machine in the
# same minutes and prints one table (bench/compare.py). Workloads are interleaved — ConvNet's run
# of a workload, then the peer's — so that drift in machine load hits both sides alike.
#
#   bench/compare.sh [--quick]
#
# Environment: PYTHON — a Python with torch, onnx, onnxruntime, numpy (see the top of
# bench/pytorch_peer.py; default /work/venv/bin/python if present, else python3);
# SCRATCH_PATH — SwiftPM build directory (default .build); OUT — where to keep the raw
# JSON-lines files (default: a fresh temporary directory); ROUNDS — how many times to run the
# whole interleaved sequence (default 1; the table then shows each figure's median over rounds,
# which steadies the comparison on a machine shared with other work); WORKLOADS — a
# space-separated subset of the workloads (default: all of `convnet bench --list`).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=()
if [[ "${1:-}" == "--quick" ]]; then quick=(--quick); fi
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x /work/venv/bin/python ]]; then PYTHON=/work/venv/bin/python; else PYTHON=python3; fi
fi
scratch="${SCRATCH_PATH:-.build}"
out="${OUT:-$(mktemp -d -t convnet-compare.XXXXXX)}"
mkdir -p "$out"

echo "building convnet (release)…" >&2
swift build -c release --scratch-path "$scratch" --product convnet >&2
convnet="$scratch/release/convnet"

# ConvNet writes each inference workload's ONNX export here (DIR/WORKLOAD.onnx) and ONNX Runtime
# runs that same file.
onnx_dir="$out/onnx"
mkdir -p "$onnx_dir"

: > "$out/convnet.jsonl"
: > "$out/peer.jsonl"
rounds="${ROUNDS:-1}"
for round in $(seq 1 "$rounds"); do
  for workload in ${WORKLOADS:-$("$convnet" bench --list)}; do
    echo "── round $round/$rounds, $workload: ConvNet" >&2
    "$convnet" bench --workload "$workload" --json --onnx-dir "$onnx_dir" "${quick[@]}" >> "$out/convnet.jsonl"
    echo "── round $round/$rounds, $workload: peers" >&2
    "$PYTHON" bench/pytorch_peer.py --workload "$workload" --onnx-dir "$onnx_dir" "${quick[@]}" >> "$out/peer.jsonl"
  done
done

"$PYTHON" bench/compare.py "$out/convnet.jsonl" "$out/peer.jsonl" \
  --meta "swift=$(swift --version 2>/dev/null | head -1)" \
  --meta "convnet=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (modified)')" \
  --meta "rounds=$rounds (median per figure)" --meta "raw=$out"
