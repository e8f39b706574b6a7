#!/usr/bin/env python3
"""The `convnet bench` workloads in PyTorch (eager), ONNX Runtime and NumPy.

Prints one JSON object per figure and line, with the keys `convnet bench --json` uses
(framework, workload, metric, config, value, unit, better, threads), so that
bench/compare.py can join the two. Workload definitions mirror Sources/ConvNetBenchmarks/
exactly (same models, data, batch sizes, warm-up and repeat rules); change both together.

Not part of CI. Setup, once (any Python 3.10+; the CPU wheel of torch is enough):

    python3 -m venv /work/venv            # or any other directory
    /work/venv/bin/pip install torch==2.13.0+cpu numpy onnx onnxscript onnxruntime
    # (elsewhere: pip install torch --index-url https://download.pytorch.org/whl/cpu)

Run:

    /work/venv/bin/python bench/pytorch_peer.py [--workload NAME] [--quick] [--onnx-dir DIR]

torchvision is not needed: LeNet-5 and ResNet-18 are defined below with torchvision's layout
(importing torchvision fails with some torch builds because of its `torchvision::nms` fake-op
registration, and the models are a few lines each).

Every (workload, framework) pair runs in a fresh child process of this script; the parent
reads the child's peak resident memory from os.wait4 (ru_maxrss) and reports it as metric
"peak-rss". ONNX Runtime runs ConvNet's own export of the network for the 224² inference
workloads (resnet18/resnet50/mobilenet_v2, catalogue and -onnx-infer alike): DIR/WORKLOAD.onnx,
written by `convnet bench --workload WORKLOAD --onnx-dir DIR` (bench/compare.sh passes the same
DIR to both), so both sides run the same file. For lenet5-infer, whose ConvNet workload has no
ONNX file, a separate torch child exports the PyTorch model first. Either way the ONNX Runtime
child imports onnxruntime and numpy only and its memory figure is its own. Threads: 2
(torch.set_num_threads, ONNX Runtime intra/inter-op, OpenBLAS/OpenMP environment variables).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

THREADS = 2
# Before numpy or torch load their BLAS/OpenMP runtimes.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(THREADS)

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "Sources", "ConvNetData", "Resources", "mnist")

# Which frameworks measure each workload, in order.
FRAMEWORKS = {
    "lenet5-train": ["pytorch"],
    "lenet5-infer": ["pytorch", "onnxruntime"],
    "resnet18-cifar-train": ["pytorch"],
    "resnet18-infer": ["pytorch", "onnxruntime"],
    "resnet50-infer": ["pytorch", "onnxruntime"],
    "mobilenet_v2-infer": ["pytorch", "onnxruntime"],
    "resnet18-onnx-infer": ["pytorch", "onnxruntime"],
    "resnet50-onnx-infer": ["pytorch", "onnxruntime"],
    "mobilenet_v2-onnx-infer": ["pytorch", "onnxruntime"],
    "conv": ["pytorch"],
    "gemm": ["pytorch", "numpy"],
    "lstm": ["pytorch"],
}

# (Cin, Cout, H = W, k, stride, padding, groups), as ConvolutionCase in ConvolutionWorkloads.swift.
CONV_CASES = [
    (1, 6, 28, 5, 1, 2, 1), (6, 16, 14, 5, 1, 0, 1), (3, 64, 32, 3, 1, 1, 1),
    (64, 64, 32, 3, 1, 1, 1), (128, 128, 16, 3, 1, 1, 1), (256, 256, 8, 3, 1, 1, 1),
    (64, 128, 32, 3, 2, 1, 1), (64, 64, 56, 1, 1, 0, 1), (32, 32, 56, 3, 1, 1, 32),
]


# ── records and timing ───────────────────────────────────────────────────────────────────────

def record(framework, workload, metric, config, value, unit, better):
    """Prints one figure as a JSON line (the schema of BenchmarkRecord.swift)."""
    print(json.dumps({
        "framework": framework, "workload": workload, "metric": metric, "config": config,
        "value": float(value), "unit": unit, "better": better, "threads": THREADS,
    }, sort_keys=True), flush=True)


def samples(warm_up, repeats, body):
    """Runs body warm_up times untimed, then repeats times timed; seconds per run."""
    for _ in range(warm_up):
        body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return times


def adaptive_samples(warm_up, budget, low, high, body):
    """Stopwatch.adaptiveSamples: repeats ≈ budget / (first warm-up run), clamped to [low, high]."""
    start = time.perf_counter()
    body()
    first = time.perf_counter() - start
    for _ in range(1, max(1, warm_up)):
        body()
    repeats = min(max(int(budget / first) if first > 0 else high, low), high)
    return samples(0, repeats, body)


def lstm(quick):
    """LSTMWorkloads.swift: nn.LSTM(256, 256), time-major, batch 64 × 50 steps of N(0, 1): the
    forward in eval mode under inference_mode, and forward + backward of an all-ones output
    gradient (no optimiser step); sequences/s from the median of 10 runs after 2 warm-up runs."""
    torch = torch_setup()
    batch, steps, size = (4, 5, 16) if quick else (64, 50, 256)
    config = f"batch={batch} steps={steps} input={size} hidden={size}"
    repeats = 2 if quick else 10
    generator = torch.Generator().manual_seed(14)
    x = torch.randn(steps, batch, size, generator=generator)
    model = torch.nn.LSTM(size, size).eval()
    with torch.inference_mode():
        times = samples(2, repeats, lambda: model(x))
    record("pytorch", "lstm", "infer-throughput", config, batch / statistics.median(times),
           "sequences/s", "higher")
    model.train()
    x = x.clone().requires_grad_()
    ones = torch.ones(steps, batch, size)

    def step():
        model.zero_grad(set_to_none=True)
        x.grad = None
        output, _ = model(x)
        output.backward(ones)

    times = samples(2, repeats, step)
    record("pytorch", "lstm", "train-throughput", config, batch / statistics.median(times),
           "sequences/s", "higher")


# ── data and models ──────────────────────────────────────────────────────────────────────────

def mnist_batches(split, batch_size, limit=None):
    """MNISTBatches.swift: bytes / 255, file order, full batches only, as float tensors."""
    import gzip
    import numpy as np
    import torch
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(MNIST, f"{prefix}-images-idx3-ubyte.gz"), "rb") as file:
        data = file.read()
    magic, count, rows, columns = (int.from_bytes(data[i:i + 4], "big") for i in range(0, 16, 4))
    assert magic == 2051, f"not an IDX image file: magic {magic}"
    with gzip.open(os.path.join(MNIST, f"{prefix}-labels-idx1-ubyte.gz"), "rb") as file:
        labels = np.frombuffer(file.read(), dtype=np.uint8, offset=8).astype(np.int64)
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(count, 1, rows, columns)
    usable = min(count, limit or count) // batch_size * batch_size
    floats = pixels[:usable].astype(np.float32)
    floats /= 255  # in place: one float copy of the images, as in Swift
    images = torch.from_numpy(floats)
    targets = torch.from_numpy(labels[:usable])
    return (
        [chunk.contiguous() for chunk in images.split(batch_size)],
        [chunk.contiguous() for chunk in targets.split(batch_size)],
    )


def lenet5():
    """LeNet5.swift: conv 5×5 (pad 2) → ReLU → max pool → conv 5×5 → ReLU → max pool → 3 linear."""
    from torch import nn

    class LeNet5(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
            self.classifier = nn.Sequential(
                nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

        def forward(self, x):
            return self.classifier(self.features(x).flatten(1))

    return LeNet5()


def resnet18(cifar_stem, classes):
    """torchvision's resnet18 (cifar_stem=False) or ConvNetModels.ResNet(depth: .resNet18, stem: .cifar) (3×3 stem, no max pool)."""
    from torch import nn

    class BasicBlock(nn.Module):
        def __init__(self, inputs, width, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inputs, width, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(width)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(width, width, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(width)
            self.downsample = None
            if stride != 1 or inputs != width:
                self.downsample = nn.Sequential(
                    nn.Conv2d(inputs, width, 1, stride, bias=False), nn.BatchNorm2d(width))

        def forward(self, x):
            out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
            return self.relu(out + (x if self.downsample is None else self.downsample(x)))

    class ResNet18(nn.Module):
        def __init__(self):
            super().__init__()
            if cifar_stem:
                self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
                self.maxpool = nn.Identity()
            else:
                self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
                self.maxpool = nn.MaxPool2d(3, 2, 1)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            stages, channels = [], 64
            for stage, width in enumerate([64, 128, 256, 512]):
                blocks = [BasicBlock(channels, width, 2 if stage > 0 else 1),
                          BasicBlock(width, width, 1)]
                stages.append(nn.Sequential(*blocks))
                channels = width
            self.layer1, self.layer2, self.layer3, self.layer4 = stages
            self.avgpool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(512, classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(self.avgpool(x).flatten(1))

    return ResNet18()


def torchvision_models():
    """torchvision.models, importable even where torchvision's compiled ops do not load against
    this torch (the models are pure Python; only the detection ops' fake-kernel registrations
    are skipped), as Tests/ConvNetModelsTests/Fixtures/torchvision_import.py does."""
    import torch
    register_fake = torch.library.register_fake

    def lenient(op, *args, **kwargs):
        if isinstance(op, str) and op.startswith("torchvision::"):
            return lambda function: function
        return register_fake(op, *args, **kwargs)

    torch.library.register_fake = lenient
    try:
        import torchvision.models as models
    finally:
        torch.library.register_fake = register_fake
    return models


# The catalogue networks of InferenceWorkloads.swift (ConvNet's `resnet50`, `mobilenet_v2` have
# torchvision's layout), by workload.
TORCHVISION_INFERENCE = {"resnet50-infer": "resnet50", "mobilenet_v2-infer": "mobilenet_v2"}

# The workloads whose ONNX Runtime peer runs ConvNet's export (Workloads.onnxArchitectures in
# ONNXInferenceWorkloads.swift), and the catalogue workload each -onnx-infer one mirrors: PyTorch
# eager runs that workload's torchvision network.
CONVNET_ONNX = {
    "resnet18-infer": "resnet18-infer", "resnet50-infer": "resnet50-infer",
    "mobilenet_v2-infer": "mobilenet_v2-infer", "resnet18-onnx-infer": "resnet18-infer",
    "resnet50-onnx-infer": "resnet50-infer", "mobilenet_v2-onnx-infer": "mobilenet_v2-infer",
}


def inference_model(workload):
    """The network a 224×224 inference workload measures, in evaluation mode (random weights,
    seed 1: the timing does not depend on the values)."""
    workload = CONVNET_ONNX.get(workload, workload)
    if workload == "lenet5-infer":
        return lenet5().eval()
    if workload == "resnet18-infer":
        return resnet18(cifar_stem=False, classes=1000).eval()
    return getattr(torchvision_models(), TORCHVISION_INFERENCE[workload])(num_classes=1000).eval()


def torch_setup():
    import torch
    torch.set_num_threads(THREADS)
    torch.manual_seed(1)
    return torch


# ── workloads in PyTorch ─────────────────────────────────────────────────────────────────────

def lenet5_train(quick):
    torch = torch_setup()
    import torch.nn.functional as F
    for batch_size in (64, 256):
        images, labels = mnist_batches("train", batch_size, 4 * batch_size if quick else None)
        torch.manual_seed(1)
        model = lenet5().train()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

        def step(index):
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        for index in range(1 if quick else 10):
            step(index % len(images))
        start = time.perf_counter()
        for index in range(len(images)):
            step(index)
        seconds = time.perf_counter() - start
        record("pytorch", "lenet5-train", "train-throughput", f"batch={batch_size}",
               len(images) * batch_size / seconds, "images/s", "higher")


def lenet5_infer(quick):
    torch = torch_setup()
    model = lenet5().eval()
    batch_size = 100 if quick else 1000
    single = mnist_batches("test", 1, 1)[0][0]
    batch = mnist_batches("test", batch_size, batch_size)[0][0]
    with torch.inference_mode():
        latencies = samples(2 if quick else 200, 20 if quick else 2000, lambda: model(single))
        times = samples(2, 2 if quick else 10, lambda: model(batch))
    record("pytorch", "lenet5-infer", "latency", "batch=1", statistics.median(latencies) * 1e6,
           "us", "lower")
    record("pytorch", "lenet5-infer", "throughput", f"batch={batch_size}",
           batch_size / statistics.median(times), "images/s", "higher")


def resnet18_cifar_train(quick):
    torch = torch_setup()
    import torch.nn.functional as F
    batch_size = 4 if quick else 128
    generator = torch.Generator().manual_seed(3)
    images = torch.randn(batch_size, 3, 32, 32, generator=generator)
    labels = torch.randint(0, 10, (batch_size,), generator=generator)
    model = resnet18(cifar_stem=True, classes=10).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    times = samples(1 if quick else 2, 2 if quick else 10, step)
    record("pytorch", "resnet18-cifar-train", "train-throughput", f"batch={batch_size}",
           batch_size / statistics.median(times), "images/s", "higher")


def resnet18_infer(quick, workload="resnet18-infer"):
    torch = torch_setup()
    side, batch_size = (64, 2) if quick else (224, 16)
    model = resnet18(cifar_stem=False, classes=1000).eval()
    generator = torch.Generator().manual_seed(4)
    single = torch.randn(1, 3, side, side, generator=generator)
    batch = torch.randn(batch_size, 3, side, side, generator=generator)
    with torch.inference_mode():
        latencies = samples(1 if quick else 3, 2 if quick else 30, lambda: model(single))
        times = samples(1, 1 if quick else 5, lambda: model(batch))
    record("pytorch", workload, "latency", f"batch=1 size={side}",
           statistics.median(latencies) * 1e3, "ms", "lower")
    record("pytorch", workload, "throughput", f"batch={batch_size} size={side}",
           batch_size / statistics.median(times), "images/s", "higher")


def torchvision_infer(workload, quick):
    """resnet50-infer, mobilenet_v2-infer (and their -onnx-infer twins): as resnet18_infer
    (InferenceWorkloads.swift)."""
    torch = torch_setup()
    side, batch_size = (64, 2) if quick else (224, 16)
    model = inference_model(CONVNET_ONNX.get(workload, workload))
    generator = torch.Generator().manual_seed(4)
    single = torch.randn(1, 3, side, side, generator=generator)
    batch = torch.randn(batch_size, 3, side, side, generator=generator)
    with torch.inference_mode():
        latencies = samples(1 if quick else 3, 2 if quick else 30, lambda: model(single))
        times = samples(1, 1 if quick else 5, lambda: model(batch))
    record("pytorch", workload, "latency", f"batch=1 size={side}",
           statistics.median(latencies) * 1e3, "ms", "lower")
    record("pytorch", workload, "throughput", f"batch={batch_size} size={side}",
           batch_size / statistics.median(times), "images/s", "higher")


def conv(quick):
    torch = torch_setup()
    from torch import nn
    batch, budget = (2, 0.01) if quick else (64, 0.5)
    generator = torch.Generator().manual_seed(5)
    for cin, cout, side, k, stride, padding, groups in CONV_CASES:
        layer = nn.Conv2d(cin, cout, k, stride, padding, groups=groups, bias=False)
        out_side = (side + 2 * padding - k) // stride + 1
        x = torch.randn(batch, cin, side, side, generator=generator)
        grad_y = torch.randn(batch, cout, out_side, out_side, generator=generator)
        flops = 2 * batch * cout * out_side * out_side * (cin // groups) * k * k
        config = f"n={batch} cin={cin} cout={cout} hw={side} k={k} s={stride} p={padding} g={groups}"
        with torch.inference_mode():
            forward = adaptive_samples(2, budget, 3, 50, lambda: layer(x))
        leaf = x.clone().requires_grad_(True)

        def train_step():
            leaf.grad = None
            layer.weight.grad = None
            layer(leaf).backward(grad_y)

        training = adaptive_samples(2, budget, 3, 50, train_step)
        for metric, factor, times in (("forward", 1, forward), ("forward+backward", 3, training)):
            record("pytorch", "conv", metric, config, factor * flops / statistics.median(times) / 1e9,
                   "GFLOP/s", "higher")


def gemm_shapes(quick):
    if quick:
        return [(64, 64, 64), (96, 96, 96), (16, 72, 1024)]
    return [(256, 256, 256), (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
            (64, 576, 65536)]


def gemm(quick, framework):
    """C = A·B into a preallocated C: torch.mm(out=) or numpy.matmul(out=) (OpenBLAS)."""
    import numpy as np
    if framework == "pytorch":
        torch = torch_setup()
    random = np.random.default_rng(6)
    for m, k, n in gemm_shapes(quick):
        # U(-1, 1) drawn directly in float32, in place: no float64 copies inflating peak RSS.
        a = random.random((m, k), dtype=np.float32) * 2 - 1
        b = random.random((k, n), dtype=np.float32)
        b *= 2
        b -= 1
        c = np.empty((m, n), dtype=np.float32)
        if framework == "pytorch":
            a, b, c = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
            body = lambda: torch.mm(a, b, out=c)  # noqa: E731
        else:
            body = lambda: np.matmul(a, b, out=c)  # noqa: E731
        times = adaptive_samples(2, 0.01 if quick else 0.5, 5, 200, body)
        record(framework, "gemm", "matmul", f"m={m} k={k} n={n}",
               2 * m * n * k / statistics.median(times) / 1e9, "GFLOP/s", "higher")


# ── inference in ONNX Runtime ────────────────────────────────────────────────────────────────

def onnx_cases(workload, quick):
    """(metric, config, input shape, repeats, warm-up, unit) per ONNX model of a workload."""
    if workload == "lenet5-infer":
        batch = 100 if quick else 1000
        return [("latency", "batch=1", (1, 1, 28, 28), 20 if quick else 2000, 2 if quick else 200),
                ("throughput", f"batch={batch}", (batch, 1, 28, 28), 2 if quick else 10, 2)]
    side, batch = (64, 2) if quick else (224, 16)
    return [("latency", f"batch=1 size={side}", (1, 3, side, side), 2 if quick else 30,
             1 if quick else 3),
            ("throughput", f"batch={batch} size={side}", (batch, 3, side, side),
             1 if quick else 5, 1)]


def export_onnx(workload, quick, directory):
    """Exports one static-shape model per measured input shape (torch.onnx.export)."""
    torch = torch_setup()
    model = inference_model(workload)
    for index, (_, _, shape, _, _) in enumerate(onnx_cases(workload, quick)):
        path = os.path.join(directory, f"{workload}-{index}.onnx")
        example = (torch.zeros(shape),)
        try:  # The TorchScript exporter: quick and dependable for these plain CNNs.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                torch.onnx.export(model, example, path, input_names=["input"], opset_version=17,
                                  dynamo=False)
        except Exception as error:  # noqa: BLE001 — removed in some torch version: torch.export
            print(f"TorchScript ONNX export failed ({error}); using dynamo=True", file=sys.stderr)
            torch.onnx.export(model, example, path, input_names=["input"], dynamo=True)


def onnx_file(workload, quick, directory, onnx_directory):
    """The ONNX file of each measured shape: ConvNet's export (one file, dynamic batch) for the
    workloads in CONVNET_ONNX, torch.onnx.export's (one per shape) for lenet5-infer."""
    cases = onnx_cases(workload, quick)
    if workload not in CONVNET_ONNX:
        return [os.path.join(directory, f"{workload}-{index}.onnx") for index in range(len(cases))]
    path = os.path.join(onnx_directory or "", f"{workload}.onnx")
    if not onnx_directory or not os.path.exists(path):
        sys.exit(f"pytorch_peer.py: ONNX Runtime runs ConvNet's export of {workload}, {path or 'DIR/' + workload + '.onnx'}, "
                 f"which does not exist: run `convnet bench --workload {workload} --onnx-dir DIR"
                 f"{' --quick' if quick else ''}` first and pass --onnx-dir DIR (bench/compare.sh does both)")
    return [path] * len(cases)


def onnxruntime_infer(workload, quick, directory, onnx_directory):
    import numpy as np
    import onnxruntime
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = THREADS
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    random = np.random.default_rng(4)
    paths = onnx_file(workload, quick, directory, onnx_directory)
    sessions = {}
    for path, (metric, config, shape, repeats, warm_up) in zip(paths, onnx_cases(workload, quick)):
        if path not in sessions:  # one session per file: a dynamic-batch file serves both shapes
            sessions[path] = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        session = sessions[path]
        name = session.get_inputs()[0].name
        if workload == "lenet5-infer":  # the same MNIST test images as the torch run
            x = mnist_numpy_test(shape[0])
        else:
            x = random.standard_normal(shape).astype(np.float32)
        times = samples(warm_up, repeats, lambda: session.run(None, {name: x}))
        if metric == "latency":
            scale, unit = (1e6, "us") if workload == "lenet5-infer" else (1e3, "ms")
            record("onnxruntime", workload, metric, config, statistics.median(times) * scale, unit,
                   "lower")
        else:
            record("onnxruntime", workload, metric, config, shape[0] / statistics.median(times),
                   "images/s", "higher")


def mnist_numpy_test(count):
    """The first `count` MNIST test images / 255 as float32 [count, 1, 28, 28], without torch."""
    import gzip
    import numpy as np
    with gzip.open(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz"), "rb") as file:
        data = file.read()
    pixels = np.frombuffer(data, dtype=np.uint8, offset=16, count=count * 784)
    return (pixels.astype(np.float32) / 255).reshape(count, 1, 28, 28)


# ── processes ────────────────────────────────────────────────────────────────────────────────

def run_child(workload, framework, quick, directory, onnx_directory):
    """Runs (workload, framework) in this process; prints its records."""
    if framework == "onnxruntime":
        onnxruntime_infer(workload, quick, directory, onnx_directory)
    elif workload == "gemm":
        gemm(quick, framework)
    else:
        {"lenet5-train": lenet5_train, "lenet5-infer": lenet5_infer,
         "resnet18-cifar-train": resnet18_cifar_train, "resnet18-infer": resnet18_infer,
         "resnet50-infer": lambda quick: torchvision_infer("resnet50-infer", quick),
         "mobilenet_v2-infer": lambda quick: torchvision_infer("mobilenet_v2-infer", quick),
         "resnet18-onnx-infer": lambda quick: resnet18_infer(quick, "resnet18-onnx-infer"),
         "resnet50-onnx-infer": lambda quick: torchvision_infer("resnet50-onnx-infer", quick),
         "mobilenet_v2-onnx-infer": lambda quick: torchvision_infer("mobilenet_v2-onnx-infer", quick),
         "conv": conv, "lstm": lstm}[workload](quick)


def spawn(arguments, records=True):
    """Runs this script with `arguments` and returns its peak RSS in MiB. With `records`, its
    output lines (records) are forwarded; otherwise its output goes to standard error (the ONNX
    exporter talks on standard output)."""
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__)] + arguments,
                             stdout=subprocess.PIPE if records else sys.stderr, text=True)
    if records:
        for line in child.stdout:
            print(line, end="", flush=True)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"pytorch_peer.py {' '.join(arguments)} exited with status {child.returncode}")
    return usage.ru_maxrss / 1024  # KiB on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workload", choices=list(FRAMEWORKS), help="run only this workload")
    parser.add_argument("--quick", action="store_true", help="shrink every workload (smoke test)")
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "FRAMEWORK"), help=argparse.SUPPRESS)
    parser.add_argument("--export", metavar="WORKLOAD", help=argparse.SUPPRESS)
    parser.add_argument("--directory", help=argparse.SUPPRESS)
    parser.add_argument("--onnx-dir", metavar="DIR",
                        help="where `convnet bench --onnx-dir DIR` wrote ConvNet's ONNX exports (WORKLOAD.onnx)")
    args = parser.parse_args()
    if args.child:
        run_child(*args.child, args.quick, args.directory, args.onnx_dir)
        return
    if args.export:
        export_onnx(args.export, args.quick, args.directory)
        return
    quick = ["--quick"] if args.quick else []
    with tempfile.TemporaryDirectory(prefix="convnet-peer-") as directory:
        for workload in [args.workload] if args.workload else list(FRAMEWORKS):
            for framework in FRAMEWORKS[workload]:
                print(f"running {workload} in {framework}…", file=sys.stderr)
                onnx = ["--onnx-dir", args.onnx_dir] if args.onnx_dir else []
                if framework == "onnxruntime" and workload not in CONVNET_ONNX:
                    spawn(["--export", workload, "--directory", directory] + quick, records=False)
                rss = spawn(["--child", workload, framework, "--directory", directory] + quick + onnx)
                record(framework, workload, "peak-rss", "", rss, "MiB", "lower")


if __name__ == "__main__":
    main()
