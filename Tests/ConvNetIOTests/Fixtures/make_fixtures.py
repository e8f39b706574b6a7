#!/usr/bin/env python3
"""Writes the safetensors reference files that ConvNetIOTests read.

The files are produced by the reference implementation (the `safetensors` package, whose
serializer is the Rust crate), so the Swift reader is checked against real files rather than
against files written by our own writer. Every value below is asserted, exactly, in
SafetensorsReferenceTests.swift; keep the two in step.

    pip install safetensors numpy
    python3 Tests/ConvNetIOTests/Fixtures/make_fixtures.py
"""
import os

import numpy as np
from safetensors import TensorSpec, serialize_file
from safetensors.numpy import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))


def bfloat16_bits(values):
    """bfloat16 is the top 16 bits of float32; the values chosen are exact, so no rounding."""
    bits = np.array(values, dtype=np.float32).view(np.uint32)
    assert np.all(bits & 0xFFFF == 0), "choose values exactly representable in bfloat16"
    return (bits >> 16).astype(np.uint16)


def write_reference():
    """One tensor of every dtype the reader converts, plus header metadata."""
    arrays = {
        "f32": np.array([[0.5, -1.25, 3.0], [1e-3, -0.0, 1e30]], dtype=np.float32),
        # 65504 is the largest half; 2**-24 the smallest subnormal; 2**-14 the smallest normal.
        "f16": np.array(
            [[1.0, -2.0, 0.5, 65504.0], [2.0**-24, 2.0**-14, np.inf, -np.inf]], dtype=np.float16
        ),
        "f16_nan": np.array([np.nan], dtype=np.float16),
        "f64": np.array([0.1, -3.5], dtype=np.float64),
        "i64": np.array([0, -7, 2**40 + 3], dtype=np.int64),
        "num_batches_tracked": np.array(42, dtype=np.int64),  # rank 0, as PyTorch writes it
        "i32": np.array([-2147483648, 2147483647], dtype=np.int32),
        "i16": np.array([-32768, 12345], dtype=np.int16),
        "i8": np.array([-128, 127], dtype=np.int8),
        "u8": np.array([[0, 255]], dtype=np.uint8),
        "bool": np.array([True, False, True], dtype=np.bool_),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }
    bf16 = bfloat16_bits([1.0, -2.5, 3.140625, 0.0078125])
    specs = {
        name: TensorSpec(
            dtype=array.dtype.name, shape=array.shape,
            data_ptr=array.ctypes.data, data_len=array.nbytes)
        for name, array in arrays.items()
    }
    # numpy has no bfloat16 dtype: hand the serializer the raw 16-bit patterns.
    specs["bf16"] = TensorSpec(
        dtype="bfloat16", shape=[2, 2], data_ptr=bf16.ctypes.data, data_len=bf16.nbytes)
    path = os.path.join(HERE, "reference.safetensors")
    serialize_file(specs, path, metadata={"format": "pt", "producer": "make_fixtures.py"})
    # Keep the arrays alive until here (serialize_file reads through raw pointers).
    del arrays, bf16


def write_state_dict():
    """A small float32 state dict written through the numpy front end."""
    tensors = {
        "conv1.weight": np.arange(6, dtype=np.float32).reshape(1, 1, 2, 3) / 4,
        "conv1.bias": np.array([-1.5], dtype=np.float32),
        "bn.num_batches_tracked": np.array(7, dtype=np.int64),
    }
    path = os.path.join(HERE, "state_dict.safetensors")
    save_file(tensors, path)
    assert set(load_file(path)) == set(tensors)


if __name__ == "__main__":
    write_reference()
    write_state_dict()
