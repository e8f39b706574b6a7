"""Reads a ConvNet checkpoint with the reference safetensors implementation, as a PyTorch user
would, and prints what it holds as JSON: the weights (name -> [dtype, shape]), the optimiser
state (keys starting with "optimizer."), and the metadata.

    pip install safetensors numpy
    python3 read_checkpoint.py run.safetensors

Loading the weights into a PyTorch model (torch not needed by this script):

    from safetensors.torch import load_file
    tensors = load_file("run.safetensors")
    model.load_state_dict({k: v for k, v in tensors.items() if not k.startswith("optimizer.")})
    # or: model.load_state_dict(tensors, strict=False)  -- the optimizer.* keys are ignored

Run by CheckpointUnitTests.testReferenceReaderSeesWeightsAndOptimizerState (skipped when the
safetensors module is missing).
"""
import json
import sys

from safetensors import safe_open
from safetensors.numpy import load_file

PREFIX = "optimizer."

path = sys.argv[1]
tensors = load_file(path)
with safe_open(path, framework="numpy") as handle:
    metadata = handle.metadata()


def describe(items):
    return {name: [str(array.dtype), list(array.shape)] for name, array in items}


print(json.dumps({
    "weights": describe((k, v) for k, v in tensors.items() if not k.startswith(PREFIX)),
    "optimizer": describe((k, v) for k, v in tensors.items() if k.startswith(PREFIX)),
    "metadata": metadata,
}))
