"""Reference files for the ResNet, SE-ResNet, DenseNet and GoogLeNet tests (run by hand):

    /work/venv/bin/python Tests/ConvNetModelsTests/Fixtures/make_resnet_densenet_googlenet_references.py

needs torch, torchvision, timm (installed with --no-deps) and safetensors. Writes, under
Fixtures/{resnet,densenet,googlenet}/:

* keys_<arch>.txt — every state-dict key of the full-size model (1,000 classes) with its shape,
  in state-dict order, one "key [d0, d1, …]" per line (Python's str(list(shape))).
* <name>.safetensors — a small model of the same code path with random weights (rounded to F16
  and stored as F16) and randomised batch-norm statistics under "model.", plus "input" and its
  eval-mode "output".
* formula_outputs.safetensors — eval-mode logits of full-size models whose every parameter and
  buffer is filled by `formula_fill` below (the Swift tests fill theirs with the same formula),
  for the input `formula_input([1, 3, 64, 64])`. This tests the real configurations without
  shipping their weights.
"""
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torchvision_import import models as tvm  # noqa: E402  (torchvision with a workaround)
from torchvision.models.densenet import DenseNet  # noqa: E402
from torchvision.models.googlenet import Inception  # noqa: E402
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet  # noqa: E402
import timm  # noqa: E402
from timm.models.resnet import Bottleneck as TimmBottleneck  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


from cifar_resnet import CIFARBasicBlock, CIFARResNet  # noqa: E402,F401  (shared definition)


class NarrowResNet(ResNet):
    """torchvision's ResNet (its blocks, _make_layer and forward) with stage widths
    w, 2w, 4w, 8w instead of 64, 128, 256, 512."""

    def __init__(self, block, layers, width, num_classes):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = width, 1, 1, 64
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, 2 * width, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 4 * width, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 8 * width, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * width * block.expansion, num_classes)


def timm_se_bottleneck(inplanes, planes, stride=1, downsample=None, groups=1, base_width=64,
                       dilation=1, norm_layer=None):
    """timm's Bottleneck with its SE module (as in seresnet50), called like torchvision's blocks
    (timm's ResNet ties its 7×7 stem to 64 channels, so the narrow stem comes from
    NarrowResNet; stem, stages and head are the same code in both libraries)."""
    return TimmBottleneck(inplanes, planes, stride=stride, downsample=downsample, attn_layer="se")


timm_se_bottleneck.expansion = TimmBottleneck.expansion


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def write_keys(model, path):
    with open(path, "w") as f:
        for key, value in model.state_dict().items():
            f.write(f"{key} {list(value.shape)}\n")


def randomise(model, seed):
    """Random weights rounded to F16, random batch-norm statistics and affine parameters."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, module in model.named_modules():
            if isinstance(module, nn.BatchNorm2d):
                c = module.num_features
                module.weight.copy_(torch.rand(c, generator=generator) + 0.5)
                module.bias.copy_(torch.rand(c, generator=generator) * 0.4 - 0.2)
                module.running_mean.copy_(torch.rand(c, generator=generator) * 0.4 - 0.2)
                module.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
                module.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=generator)))
        for value in model.state_dict().values():
            if value.is_floating_point():
                value.copy_(value.half().float())


def write_reference(model, input_shape, path, seed):
    torch.manual_seed(seed)
    randomise(model, seed)
    model.eval()
    x = torch.randn(*input_shape, generator=torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        y = model(x)
    tensors = {
        "model." + k: (v.half() if v.is_floating_point() else v).contiguous()
        for k, v in model.state_dict().items()}
    tensors["input"] = x.contiguous()
    tensors["output"] = y.contiguous()
    save_file(tensors, path)
    print(f"{os.path.relpath(path, HERE)}: {parameter_count(model):,} parameters, "
          f"output {list(y.shape)}, max |y| {y.abs().max():.4f}")


def key_phase(key):
    """A phase in [0, 10.3) from the key's bytes, so that every tensor gets its own wave."""
    return (sum((i + 1) * b for i, b in enumerate(key.encode())) % 997) / 97.0


def formula_wave(count, key):
    t = np.arange(count, dtype=np.float64)
    return np.sin(0.61 * t + key_phase(key))


def formula_fill(model):
    """Deterministic weights: fan-in-scaled sine waves (the Swift tests use the same formula)."""
    with torch.no_grad():
        for key, value in model.state_dict().items():
            if key.endswith("num_batches_tracked"):
                continue
            wave = formula_wave(value.numel(), key)
            if key.endswith("running_var"):
                data = 1 + 0.25 * wave
            elif key.endswith("running_mean") or key.endswith("bias"):
                data = 0.1 * wave
            elif value.dim() == 1:  # batch-norm weight
                data = 1 + 0.2 * wave
            else:  # convolution or linear weight
                data = math.sqrt(3 / (value.numel() // value.shape[0])) * wave
            value.copy_(torch.from_numpy(data.astype(np.float32)).reshape(value.shape))


def formula_input(shape):
    count = int(np.prod(shape))
    return torch.from_numpy(np.sin(0.37 * np.arange(count, dtype=np.float64)).astype(np.float32)).reshape(shape)


def formula_outputs(models, path):
    x = formula_input([1, 3, 64, 64])
    outputs = {}
    for name, model in models.items():
        formula_fill(model)
        model.eval()
        with torch.no_grad():
            outputs[name] = model(x).contiguous()
        print(f"formula {name}: max |y| {outputs[name].abs().max():.4f}")
    save_file(outputs, path)


def main():
    torch.manual_seed(0)
    resnet_dir = os.path.join(HERE, "resnet")
    densenet_dir = os.path.join(HERE, "densenet")
    googlenet_dir = os.path.join(HERE, "googlenet")

    full = {
        "resnet18": tvm.resnet18(), "resnet34": tvm.resnet34(), "resnet50": tvm.resnet50(),
        "resnet101": tvm.resnet101(), "resnet152": tvm.resnet152(),
        "resnet20": CIFARResNet(20), "resnet56": CIFARResNet(56),
        "seresnet50": timm.create_model("seresnet50"),
        "densenet121": tvm.densenet121(), "densenet161": tvm.densenet161(),
        "densenet169": tvm.densenet169(), "densenet201": tvm.densenet201(),
        "googlenet": tvm.googlenet(aux_logits=False, init_weights=False),
        "googlenet_aux": tvm.googlenet(aux_logits=True, init_weights=False),
    }
    for name, model in full.items():
        folder = resnet_dir if "resnet" in name else densenet_dir if "densenet" in name else googlenet_dir
        write_keys(model, os.path.join(folder, f"keys_{name}.txt"))
        print(f"{name}: {parameter_count(model):,} parameters")

    write_reference(NarrowResNet(BasicBlock, [2, 2, 2, 2], 8, 10), [2, 3, 64, 64],
                    os.path.join(resnet_dir, "basic_width8.safetensors"), seed=1)
    write_reference(NarrowResNet(Bottleneck, [2, 1, 1, 1], 8, 10), [1, 3, 64, 64],
                    os.path.join(resnet_dir, "bottleneck_width8.safetensors"), seed=2)
    write_reference(
        NarrowResNet(timm_se_bottleneck, [1, 1, 1, 1], 8, 10), [1, 3, 64, 64], os.path.join(resnet_dir, "se_bottleneck_width8.safetensors"), seed=3)
    write_reference(CIFARResNet(20), [2, 3, 32, 32], os.path.join(resnet_dir, "resnet20.safetensors"), seed=4)
    write_reference(
        DenseNet(growth_rate=4, block_config=(2, 3), num_init_features=8, bn_size=2, num_classes=10),
        [2, 3, 32, 32], os.path.join(densenet_dir, "growth4_blocks2-3.safetensors"), seed=5)
    write_reference(Inception(8, 4, 3, 5, 2, 3, 4), [2, 8, 9, 9],
                    os.path.join(googlenet_dir, "inception_8-4-3-5-2-3-4.safetensors"), seed=6)

    formula_outputs({"resnet18": full["resnet18"], "resnet50": full["resnet50"],
                     "seresnet50": full["seresnet50"], "resnet56": full["resnet56"]},
                    os.path.join(resnet_dir, "formula_outputs.safetensors"))
    formula_outputs({"densenet121": full["densenet121"]},
                    os.path.join(densenet_dir, "formula_outputs.safetensors"))
    formula_outputs({"googlenet": full["googlenet"]},
                    os.path.join(googlenet_dir, "formula_outputs.safetensors"))


if __name__ == "__main__":
    main()
