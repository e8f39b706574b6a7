"""Reference fixtures for the AlexNet, VGG and MobileNet tests (run by hand, not in CI).

    /work/venv/bin/python Tests/ConvNetModelsTests/Fixtures/make_alexnet_vgg_mobilenet_references.py

Needs torch, torchvision and timm (timm only for MobileNet v1's `mobilenetv1_100` layout),
numpy and safetensors. Writes into the alexnet/, vgg/ and mobilenet/ folders beside this file:

- `<arch>.keys.txt` for every full-size architecture: one line per state_dict entry,
  "key d0,d1,…" (an empty shape for 0-d tensors), in state_dict order, and a first line
  "# parameters N" with the number of parameters.
- `<name>.safetensors` for small models built through the same code paths (width 0.25, or a
  tiny VGG configuration): the state dict (weights rounded to float16 and stored as F16, so
  the stored weights are exactly the ones PyTorch computed with), plus `<name>.io.safetensors`
  with the eval-mode `input` and `output` (F32).

Batch-norm running statistics and affine parameters are randomised so that eval-mode batch
norm is actually exercised; Linear weights are redrawn with standard deviation 1/sqrt(fan-in)
and biases made non-zero, so that the logits are not dominated by the classifier biases.
"""

import os
import sys
import types

# The torchvision wheel available here is a CUDA build whose C extension cannot load on this
# machine; the model definitions are pure Python, so skip the registrations of its C operators.
for name in ["torchvision._meta_registrations", "torchvision._autograd_registrations"]:
    sys.modules[name] = types.ModuleType(name)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torchvision.models as tvm  # noqa: E402
from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf  # noqa: E402
from torchvision.models.vgg import VGG, make_layers  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def write_keys(model, path):
    lines = ["# parameters %d" % sum(p.numel() for p in model.parameters())]
    for key, value in model.state_dict().items():
        lines.append("%s %s" % (key, ",".join(str(d) for d in value.shape)))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def randomise_batch_norm(model, generator):
    """Random BN statistics and affine parameters; also replaces the near-zero initialisation of
    Linear layers (N(0, 0.01), zero bias) and zero conv biases, so that the logits depend
    strongly on every layer."""
    for module in model.modules():
        if isinstance(module, nn.Linear):
            module.weight.data.copy_(
                torch.randn(module.weight.shape, generator=generator) / module.in_features ** 0.5)
            module.bias.data.copy_(torch.randn(module.out_features, generator=generator) * 0.1)
        if isinstance(module, nn.Conv2d) and module.bias is not None:
            module.bias.data.copy_(torch.randn(module.out_channels, generator=generator) * 0.1)
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.2)
            module.running_var.copy_(torch.rand(n, generator=generator) * 1.5 + 0.5)
            module.weight.data.copy_(torch.rand(n, generator=generator) + 0.5)
            module.bias.data.copy_(torch.randn(n, generator=generator) * 0.2)
            module.num_batches_tracked.fill_(7)


@torch.no_grad()
def write_reference(model, name, folder, input_shape, seed):
    generator = torch.Generator().manual_seed(seed)
    randomise_batch_norm(model, generator)
    model.eval()
    # Round every float tensor to float16 so that the F16 file holds the exact weights used.
    state = model.state_dict()
    for key, value in state.items():
        if value.is_floating_point():
            value.copy_(value.half().float())
    x = torch.randn(*input_shape, generator=generator)
    y = model(x)
    stored = {
        k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in state.items()
    }
    save_file(stored, os.path.join(HERE, folder, name + ".safetensors"))
    save_file({"input": x.contiguous(), "output": y.contiguous()},
              os.path.join(HERE, folder, name + ".io.safetensors"))
    print("%-28s params %9d  output %s  max |logit| %.4f" % (
        name, sum(p.numel() for p in model.parameters()), tuple(y.shape), y.abs().max()))


def main():
    torch.manual_seed(0)
    # Full-size key lists and parameter counts.
    write_keys(tvm.alexnet(), os.path.join(HERE, "alexnet", "alexnet.keys.txt"))
    for depth in [11, 13, 16, 19]:
        for suffix in ["", "_bn"]:
            arch = "vgg%d%s" % (depth, suffix)
            write_keys(getattr(tvm, arch)(), os.path.join(HERE, "vgg", arch + ".keys.txt"))
    for arch in ["mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large"]:
        write_keys(getattr(tvm, arch)(), os.path.join(HERE, "mobilenet", arch + ".keys.txt"))
    import timm
    write_keys(timm.create_model("mobilenetv1_100"),
               os.path.join(HERE, "mobilenet", "mobilenet_v1.keys.txt"))

    # Small models through the same code paths, with reference outputs.
    write_reference(tvm.mobilenet_v2(width_mult=0.25, num_classes=10),
                    "mobilenet_v2_w025", "mobilenet", (2, 3, 64, 64), seed=1)
    for variant in ["mobilenet_v3_small", "mobilenet_v3_large"]:
        setting, last_channel = _mobilenet_v3_conf(variant, width_mult=0.25)
        write_reference(MobileNetV3(setting, last_channel, num_classes=10),
                        variant + "_w025", "mobilenet", (2, 3, 64, 64), seed=2)
    from timm.models.efficientnet import _gen_mobilenet_v1
    write_reference(_gen_mobilenet_v1("mobilenetv1_100", channel_multiplier=0.25, num_classes=10),
                    "mobilenet_v1_w025", "mobilenet", (2, 3, 64, 64), seed=3)

    # A tiny VGG with batch norm: cfg [8, M, 16, M], pooling to 2×2, classifier width 32.
    tiny = VGG(make_layers([8, "M", 16, "M"], batch_norm=True), num_classes=10)
    tiny.avgpool = nn.AdaptiveAvgPool2d(2)
    tiny.classifier = nn.Sequential(
        nn.Linear(16 * 2 * 2, 32), nn.ReLU(True), nn.Dropout(),
        nn.Linear(32, 32), nn.ReLU(True), nn.Dropout(),
        nn.Linear(32, 10))
    write_reference(tiny, "vgg_tiny_bn", "vgg", (2, 3, 32, 32), seed=4)


if __name__ == "__main__":
    main()
