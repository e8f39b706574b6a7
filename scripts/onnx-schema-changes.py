"""Checks that the operators ConvNet's ONNX importer supports kept their opset-21 attributes,
inputs and outputs (names and defaults) in every later opset that the installed onnx knows, so
that accepting opsets 22-27 changes no semantics. Prints one line per operator and exits 1 when
some operator changed its signature (the importer's opset range must then be revisited).

    /work/venv/bin/python scripts/onnx-schema-changes.py
"""
import sys

from onnx import defs

OPERATORS = """Conv ConvTranspose Gemm MatMul Add Sub Mul Div Sum Relu LeakyRelu PRelu Elu Sigmoid Tanh
HardSigmoid HardSwish Clip BatchNormalization InstanceNormalization LRN MaxPool AveragePool
GlobalAveragePool GlobalMaxPool Flatten Reshape Transpose Squeeze Unsqueeze Concat Split Slice Pad
Softmax LogSoftmax ReduceMean Dropout Identity Constant ConstantOfShape Shape Gather Cast""".split()
# Attributes added later that the importer does not read: a file setting them is refused.
REFUSED_NEW_ATTRIBUTES = {"Cast": {"round_mode"}}


def signature(schema, op):
    ignored = REFUSED_NEW_ATTRIBUTES.get(op, set())
    attributes = sorted(
        (a.name, str(a.default_value).strip()) for a in schema.attributes.values() if a.name not in ignored)
    return attributes, [i.name for i in schema.inputs], [o.name for o in schema.outputs]


changed = []
for op in OPERATORS:
    base = defs.get_schema(op, 21)
    versions = sorted({defs.get_schema(op, v).since_version for v in range(22, 28)} - {base.since_version})
    same = [signature(defs.get_schema(op, v), op) == signature(base, op) for v in versions]
    print(f"{op}: opset-21 version {base.since_version}; later versions {versions}: "
          + ("unchanged" if all(same) else "CHANGED"))
    if not all(same):
        changed.append(op)
sys.exit(1 if changed else 0)
