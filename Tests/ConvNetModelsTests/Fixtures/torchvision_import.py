"""torchvision's model definitions, importable on a torch build its compiled ops do not load
against (torchvision 0.28+ with a newer torch): the models are pure Python, so the fake-kernel
registrations of torchvision's custom ops (detection ops only) are skipped while it imports.
Shared by make_resnet_densenet_googlenet_references.py and gradients/make_gradient_goldens.py.

    from torchvision_import import models as tvm
"""
import torch

_register_fake = torch.library.register_fake


def _lenient_register_fake(op, *args, **kwargs):
    if isinstance(op, str) and op.startswith("torchvision::"):
        return lambda function: function
    return _register_fake(op, *args, **kwargs)


torch.library.register_fake = _lenient_register_fake
import torchvision.models as models  # noqa: E402,F401
