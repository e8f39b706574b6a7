"""Checks ONNX files exported by ConvNet against ConvNet's own outputs (run by
ONNXExportRoundTripTests; also by hand: python3 check_export.py FOLDER).

FOLDER holds, per network, NAME.onnx and NAME.safetensors with tensors input_1/output_1 and
input_3/output_3: inputs of batch 1 and 3 and the logits ConvNet computed for them in evaluation
mode. Each model must pass onnx.checker (full_check: types and shapes inferred), declare a
symbolic batch dimension on its input and output, and give in ONNX Runtime the same outputs for
both batch sizes to 1e-4 relative (max |ORT − ConvNet| / max |ConvNet|).

Prints one line per network and "N passed, M failed"; exits 1 if any failed.
Needs: pip install onnx==1.22.0 onnxruntime numpy
"""
import json
import os
import struct
import sys

import numpy as np
import onnx
import onnxruntime as ort

TOLERANCE = 1e-4


def read_safetensors(path):
    """Reads a safetensors file of F32 tensors (written by ConvNet) without the safetensors package."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"])
    return tensors


def check(folder, name):
    model_path = os.path.join(folder, name + ".onnx")
    onnx.checker.check_model(model_path, full_check=True)
    model = onnx.load(model_path)
    for value in list(model.graph.input) + list(model.graph.output):
        first = value.type.tensor_type.shape.dim[0]
        if first.HasField("dim_value") or not first.dim_param:
            raise AssertionError(f"{value.name}: first dimension is not a symbolic batch: {first}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    tensors = read_safetensors(os.path.join(folder, name + ".safetensors"))
    errors = []
    for batch in (1, 3):
        expected = tensors[f"output_{batch}"]
        (actual,) = session.run(["output"], {"input": tensors[f"input_{batch}"]})
        if actual.shape != expected.shape:
            raise AssertionError(f"batch {batch}: shape {actual.shape}, ConvNet {expected.shape}")
        error = float(np.max(np.abs(actual - expected)) / max(np.max(np.abs(expected)), 1e-30))
        if not error <= TOLERANCE:
            raise AssertionError(f"batch {batch}: relative error {error:.3g} > {TOLERANCE}")
        errors.append(error)
    return f"{len(model.graph.node)} nodes, relative error {max(errors):.2g}"


def main():
    folder = sys.argv[1]
    names = sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".onnx"))
    passed = failed = 0
    for name in names:
        try:
            print(f"ok   {name}: {check(folder, name)}", flush=True)
            passed += 1
        except Exception as error:  # noqa: BLE001 — every failure is reported, then counted
            print(f"FAIL {name}: {str(error).splitlines()[0] if str(error) else type(error).__name__}", flush=True)
            failed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not names else 0)


if __name__ == "__main__":
    main()
