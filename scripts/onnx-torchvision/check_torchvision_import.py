"""Exports torchvision networks that ConvNet's catalogue does not have (SqueezeNet 1.0,
ShuffleNet v2 x0.5, EfficientNet-B0, MNASNet 0.5, RegNetY-400MF) with torch.onnx.export
(random weights, torch.manual_seed(0), one 3x64x64 image, dynamic batch, opset 17), runs each
file through ConvNet's importer (`convnet infer --model`) and compares with PyTorch's output.

    swift build -c release --product convnet
    /work/venv/bin/python scripts/onnx-torchvision/check_torchvision_import.py [--keep DIR]

Batch-norm statistics and scales are random too (see below). Pass: max |convnet - torch| <=
1e-4 * max |torch| (relative to the output's scale, which differs a lot between networks).
Prints one line per network and "N passed, M failed"; exit status 1 when any failed.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tests", "ConvNetModelsTests", "Fixtures"))
from torchvision_import import models as tvm  # noqa: E402

NETWORKS = {
    "squeezenet1_0": lambda: tvm.squeezenet1_0(weights=None),
    "shufflenet_v2_x0_5": lambda: tvm.shufflenet_v2_x0_5(weights=None),
    "efficientnet_b0": lambda: tvm.efficientnet_b0(weights=None),
    "mnasnet0_5": lambda: tvm.mnasnet0_5(weights=None),
    "regnet_y_400mf": lambda: tvm.regnet_y_400mf(weights=None),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="write the models and tensors here instead of a temporary folder")
    parser.add_argument("--convnet", default=os.path.join(ROOT, ".build", "release", "convnet"))
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="onnx-torchvision-")
    os.makedirs(folder, exist_ok=True)
    passed = failed = 0
    for name, make in NETWORKS.items():
        torch.manual_seed(0)
        model = make().eval()
        # Batch-norm statistics and affine parameters drawn at random, so that no layer is a
        # fresh initialisation's identity or zero (EfficientNet's zero-initialised last BN of
        # each block made its logits ~1e-13 before this).
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.data.uniform_(0.5, 1.5)
                module.bias.data.uniform_(-0.2, 0.2)
        x = torch.randn(2, 3, 64, 64)
        with torch.no_grad():
            expected = model(x)
        path = os.path.join(folder, f"{name}.onnx")
        torch.onnx.export(
            model, (x,), path, dynamo=False, opset_version=17, input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        inputs = os.path.join(folder, f"{name}-input.safetensors")
        outputs = os.path.join(folder, f"{name}-output.safetensors")
        save_file({"input": x.contiguous()}, inputs)
        run = subprocess.run(
            [args.convnet, "infer", "--model", path, "--input", inputs, "--output", outputs],
            capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL {name}: convnet infer exited {run.returncode}: {run.stderr.strip()}")
            failed += 1
            continue
        actual = load_file(outputs)["output"]
        scale = expected.abs().max().item()
        ok = actual.shape == expected.shape and scale > 0
        relative = (actual - expected).abs().max().item() / scale if ok else float("inf")
        ok = ok and relative <= 1e-4
        print(f"{'PASS' if ok else 'FAIL'} {name}: output {tuple(actual.shape)}, max |diff| / max |torch| "
              f"= {relative:.3g} (max |torch| {scale:.3g})")
        passed += ok
        failed += not ok
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
