"""Gradient goldens for GradientGoldenTests (run by hand, not in CI):

    /work/venv/bin/python Tests/ConvNetModelsTests/Fixtures/gradients/make_gradient_goldens.py

needs torch, torchvision, numpy and safetensors. For each model below it builds the PyTorch
model whose state-dict keys are ConvNet's, fills it with random weights (rounded to float16, so
that the stored F16 weights are exactly the ones PyTorch computed with), runs ONE training-mode
step — forward on a fixed batch, mean cross-entropy against fixed labels, backward — and writes
`<name>.safetensors` beside this file:

* `model.<key>`  every state-dict entry before the step (floats F16, num_batches_tracked I64);
* `input` (F32) and `labels` (I64): the batch;
* `logits` (F32) and `loss` (F32, 0-d): the training-mode forward;
* `grad.<key>`   the gradient of every parameter (F32);
* `after.<key>`  every batch-norm buffer after the step (running mean and unbiased running
                 variance updated with momentum 0.1, num_batches_tracked + 1).

The recorded step is computed in float64 from exactly those weights and that input, then
stored as float32, so the goldens carry no float32 summation error of their own. The same step
in float32 is run too, and the script prints how far PyTorch's own float32 gradients land from
the goldens — the yardstick for the Swift tests' tolerances.

Models: `lenet5` (ReLU + max-pool LeNet-5, 1×28×28), `resnet20` (He et al.'s CIFAR ResNet with
option-A shortcuts, 3×32×32), `mobilenet_v2_w010` (torchvision's MobileNetV2 at width 0.1 with
dropout 0, 3×64×64 — the same code path as width 1.0; dropout would make the step random) and
`bn_block` (conv → BN → ReLU → conv → BN → ReLU → max-pool → flatten → linear, 3×12×12).
"""
import copy
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# The shared definitions one folder up: torchvision's models (imported with a workaround) and
# the CIFAR ResNet.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from torchvision_import import models as tvm  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


# --- The models, with ConvNet's state-dict keys.

class LeNet5(nn.Module):
    """ConvNet's `LeNet5` (Sources/ConvNetModels/LeNet5.swift): features.0 … classifier.4."""

    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, classes))

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


from cifar_resnet import CIFARResNet  # noqa: E402


def bn_block(classes=10):
    """The Swift test's `Sequential` block: keys 0, 1 (BN), 3, 4 (BN), 8 (linear)."""
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 6 * 6, classes))


# --- Weights, batch and the step.

def randomise(model, generator):
    """Random batch-norm affine parameters and running statistics, Linear weights with standard
    deviation 1/sqrt(fan-in) and non-zero biases (torchvision's N(0, 0.01) and zero biases
    would leave some gradients nearly zero), then every float rounded to float16."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Linear):
                module.weight.copy_(
                    torch.randn(module.weight.shape, generator=generator) / module.in_features ** 0.5)
                module.bias.copy_(torch.randn(module.out_features, generator=generator) * 0.1)
            if isinstance(module, nn.Conv2d) and module.bias is not None:
                module.bias.copy_(torch.randn(module.out_channels, generator=generator) * 0.1)
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


def training_step(model, x, labels):
    """One training-mode forward, mean cross-entropy and backward. Returns the logits, the loss,
    every parameter's gradient and every batch-norm buffer after the step."""
    model.train()
    model.zero_grad(set_to_none=True)
    logits = model(x)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    gradients = {k: p.grad.detach().clone() for k, p in model.named_parameters()}
    buffers = {k: v.clone() for k, v in model.state_dict().items()
               if k.rsplit(".", 1)[-1] in ("running_mean", "running_var", "num_batches_tracked")}
    return logits.detach(), loss.detach(), gradients, buffers


def float32_deviation(gradients32, gradients64):
    """How far PyTorch's own float32 step is from the float64 one: (a) the largest
    max|g32 − g64| / max|g64| over the tensors whose gradient is not zero, (b) the tensors whose
    gradient is zero in exact arithmetic (max|g64| ≤ 1e-9·G, G the model's largest gradient:
    e.g. a convolution bias followed by batch norm, or a batch-norm shift followed, through
    linear layers only, by another batch norm) with their float32 rounding noise max|g32| / G,
    and (c) G."""
    scale = max(g.abs().max().item() for g in gradients64.values())
    worst, zeros = 0.0, {}
    for key, exact in gradients64.items():
        magnitude = exact.abs().max().item()
        if magnitude <= 1e-9 * scale:
            zeros[key] = gradients32[key].abs().max().item() / scale
        else:
            worst = max(worst, (gradients32[key].double() - exact).abs().max().item() / magnitude)
    return worst, zeros, scale


def write_golden(model, name, input_shape, classes, seed):
    generator = torch.Generator().manual_seed(seed)
    randomise(model, generator)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(*input_shape, generator=generator)
    labels = torch.randint(0, classes, (input_shape[0],), generator=generator)

    # The reference is the step in float64 from exactly the same (F16-rounded) weights and the
    # same float32 input, stored as float32: it carries no float32 summation error of its own,
    # so a test compares ConvNet's float32 rounding alone against it. The float32 step only
    # measures how far PyTorch itself lands from it.
    exact = copy.deepcopy(model).double()
    logits, loss, gradients, buffers = training_step(exact, x.double(), labels)
    _, loss32, gradients32, _ = training_step(model, x, labels)
    assert set(gradients) == {k for k, _ in model.named_parameters()}

    def single(value):
        return (value.float() if value.is_floating_point() else value).contiguous()

    tensors = {"model." + k: (v.half() if v.is_floating_point() else v).contiguous()
               for k, v in before.items()}
    tensors.update({"input": x.contiguous(), "labels": labels.contiguous(),
                    "logits": single(logits), "loss": single(loss)})
    tensors.update({"grad." + k: single(g) for k, g in gradients.items()})
    tensors.update({"after." + k: single(v) for k, v in buffers.items()})
    path = os.path.join(HERE, name + ".safetensors")
    save_file(tensors, path)

    worst, zeros, scale = float32_deviation(gradients32, gradients)
    nonzero = [g.abs().max().item() for k, g in gradients.items() if k not in zeros]
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{name}: {parameters:,} parameters, {len(gradients)} gradients, loss {loss.item():.6f} "
          f"(float32 {loss32.item():.6f}), {os.path.getsize(path):,} bytes; largest gradient G "
          f"{scale:.3g}, smallest non-zero tensor max|g| {min(nonzero) / scale:.2e}·G; PyTorch "
          f"float32 off by up to {worst:.2e} of a tensor's max|g|; {len(zeros)} tensors zero in "
          f"exact arithmetic, float32 noise up to {max(zeros.values(), default=0):.2e}·G")


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)  # PyTorch's float32 reductions then do not depend on the machine
    write_golden(LeNet5(), "lenet5", (8, 1, 28, 28), 10, seed=11)
    write_golden(CIFARResNet(20), "resnet20", (4, 3, 32, 32), 10, seed=12)
    write_golden(tvm.mobilenet_v2(width_mult=0.1, num_classes=10, dropout=0.0),
                 "mobilenet_v2_w010", (2, 3, 64, 64), 10, seed=13)
    write_golden(bn_block(), "bn_block", (4, 3, 12, 12), 10, seed=14)


if __name__ == "__main__":
    main()
