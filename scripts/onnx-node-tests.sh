#!/usr/bin/env bash
# Runs the ONNX backend's test cases through ConvNet's ONNX importer: the per-operator node
# tests, PyTorch's converted module and operator tests, the simple models and the model-zoo
# "light" networks, all shipped in the onnx==1.22.0 wheel (later wheels dropped the data).
# Every case whose operators, attributes and data types the importer supports must pass
# (rtol 1e-3, atol 1e-7, as the ONNX backend test); the rest are refused at load time and
# counted as skipped, by what was refused. Prints "N passed, M failed, K skipped".
#
#   scripts/onnx-node-tests.sh [--verbose] [--filter TEXT]
#
# PYTHON selects the interpreter that has (or gets) onnx 1.22.0 (default: /work/venv/bin/python
# if present, else python3); ONNX_TEST_DATA points at the data folder directly instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x /work/venv/bin/python ]; then python=/work/venv/bin/python; else python=python3; fi
fi
data="${ONNX_TEST_DATA:-}"
if [ -z "$data" ]; then
  if ! "$python" -c 'import onnx, sys; sys.exit(onnx.__version__ != "1.22.0")' 2>/dev/null; then
    echo "installing onnx==1.22.0 (the last wheel with the backend test data)" >&2
    "$python" -m pip install --quiet onnx==1.22.0
  fi
  data="$("$python" -c 'import onnx.backend.test, os; print(os.path.join(os.path.dirname(onnx.backend.test.__file__), "data"))')"
fi
cd "$root"
nice -n 10 swift build -c release --product onnx-node-tests >&2
exec "$root/.build/release/onnx-node-tests" "$@" \
  "$data/node" "$data/pytorch-converted" "$data/pytorch-operator" "$data/simple" "$data/light"
