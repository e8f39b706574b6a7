"""Makes tiny.onnx, the fixture of ONNXModelFileTests: one Identity node and four initializers
whose values are written out in the test — "w" FLOAT [2, 3] as raw_data (1.5·(i − 2) for
i = 0…5), "b" FLOAT [2] as float_data ([0.25, -3.0]), "shape" INT64 [2] as raw_data ([-1, 6]),
"h" FLOAT16 [2] (which ConvNet refuses by name).

    /work/venv/bin/python Tests/ConvNetONNXTests/Fixtures/make_tiny_model.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
w = numpy_helper.from_array((1.5 * (np.arange(6, dtype=np.float32) - 2)).reshape(2, 3), "w")
b = helper.make_tensor("b", TensorProto.FLOAT, [2], [0.25, -3.0])  # float_data
assert not b.raw_data and list(b.float_data) == [0.25, -3.0]
shape = numpy_helper.from_array(np.array([-1, 6], dtype=np.int64), "shape")
h = numpy_helper.from_array(np.array([1, 2], dtype=np.float16), "h")
graph = helper.make_graph(
    [helper.make_node("Identity", ["x"], ["y"])], "tiny",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
    initializer=[w, b, shape, h])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="fixture")
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(here, "tiny.onnx"))
