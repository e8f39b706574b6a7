#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into Fuzz/Corpus/<target>/ (run by hand; the
output is committed). Standard library only. Seeds are small valid inputs of each format plus a
few near-misses, so that the fuzzer starts inside the parsers rather than at their first check.
The PNG and JPEG seeds are copies of test fixtures made by Pillow (Tests/ConvNetImageTests)."""
import gzip, json, os, struct, zlib

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
corpus = os.path.join(here, "Corpus")


def seed(target, name, data):
    folder = os.path.join(corpus, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def raw_deflate(data, level):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


text = b"ConvNet fuzz seed: " + bytes(range(256)) + b"the quick brown fox " * 20

# inflate: raw DEFLATE (stored, fixed and dynamic Huffman) and zlib streams.
for level in (0, 1, 6, 9):
    seed("inflate", f"raw-level{level}", raw_deflate(text, level))
    seed("inflate", f"zlib-level{level}", zlib.compress(text, level))
seed("inflate", "raw-empty", raw_deflate(b"", 6))
seed("inflate", "raw-runs", raw_deflate(b"\0" * 3000 + b"ab" * 500, 9))

# gzip: members with and without optional header fields.
seed("gzip", "plain", gzip.compress(text, mtime=0))
seed("gzip", "stored", gzip.compress(text, compresslevel=0, mtime=0))
seed("gzip", "empty", gzip.compress(b"", mtime=0))
# FNAME + FCOMMENT + FEXTRA + FHCRC flags.
body = raw_deflate(text, 6)
header = b"\x1f\x8b\x08" + bytes([0x1E]) + b"\0\0\0\0\0\x03"
header += struct.pack("<H", 4) + b"ab\0\0" + b"name.idx\0" + b"comment\0"
header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
seed("gzip", "fields", header + body + struct.pack("<II", zlib.crc32(text), len(text)))


# IDX: each data type, labels and images.
def idx(type_code, dims, payload):
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


idx_seeds = {
    "labels-u8": idx(0x08, [6], bytes([0, 1, 2, 9, 3, 7])),
    "images-u8": idx(0x08, [2, 4, 4], bytes(range(32))),
    "i8": idx(0x09, [3], struct.pack(">bbb", -1, 0, 5)),
    "i16": idx(0x0B, [2, 2], struct.pack(">hhhh", -300, 2, 3, 400)),
    "i32": idx(0x0C, [3], struct.pack(">iii", -70000, 1, 2)),
    "f32": idx(0x0D, [2], struct.pack(">ff", 0.5, -2.0)),
    "f64": idx(0x0E, [1, 2], struct.pack(">dd", 1.5, 3.0)),
    "zero-dim": idx(0x08, [0, 28, 28], b""),
}
for name, data in idx_seeds.items():
    seed("idx", name, data)
    seed("idx-gzip", name + ".gz", gzip.compress(data, mtime=0))

# PNG and JPEG: small Pillow-made fixtures (every colour type, bit depth, interlacing;
# baseline and progressive JPEG with each sampling).
fixtures = os.path.join(root, "Tests", "ConvNetImageTests", "Fixtures")
for name in sorted(os.listdir(fixtures)):
    path = os.path.join(fixtures, name)
    if os.path.getsize(path) > 4096:
        continue
    if name.endswith(".png"):
        seed("png", name, open(path, "rb").read())
    elif name.endswith(".jpg"):
        seed("jpeg", name, open(path, "rb").read())


# safetensors: headers and whole files.
def safetensors(tensors, metadata=None, pad=True):
    header, buffer = {}, b""
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(buffer), len(buffer) + len(payload)]}
        buffer += payload
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + buffer


def f32(values):
    return struct.pack(f"<{len(values)}f", *values)


small = {
    "w": ("F32", [2, 2], f32([1, 2, 3, 4])),
    "h": ("F16", [2], struct.pack("<2e", 0.5, -1.0)),
    "n": ("I64", [], struct.pack("<q", 7)),
    "b": ("BF16", [1], b"\x80\x3f"),
}
files = {
    "mixed": safetensors(small, {"format": "pt", "epoch": "3"}),
    "empty": safetensors({}),
    "zero-size": safetensors({"z": ("F32", [0, 3], b"")}),
    "escapes": safetensors({"a\\u00e9\\n\"x": ("U8", [3], b"abc")}, {"k": "v\\t"}),
}
for name, data in files.items():
    seed("safetensors", name, data)
    # The header target reads the data buffer's size from the first 8 bytes, then the header.
    (length,) = struct.unpack("<Q", data[:8])
    seed("safetensors-header", name, struct.pack("<Q", len(data) - 8 - length) + data[8:8 + length])

# checkpoint: a LeNet-5 state dict and SGD momentum buffers (shapes of the real model).
lenet5 = [("features.0.weight", [6, 1, 5, 5]), ("features.0.bias", [6]),
          ("features.3.weight", [16, 6, 5, 5]), ("features.3.bias", [16]),
          ("classifier.0.weight", [120, 400]), ("classifier.0.bias", [120]),
          ("classifier.2.weight", [84, 120]), ("classifier.2.bias", [84]),
          ("classifier.4.weight", [10, 84]), ("classifier.4.bias", [10])]


def zeros(shape):
    count = 1
    for d in shape:
        count *= d
    return f32([0.01 * (i % 7) for i in range(count)])


weights = safetensors({n: ("F32", s, zeros(s)) for n, s in lenet5},
                      {"architecture": "lenet5", "epoch": "2", "format": "pt"})
state = safetensors({f"{i}.momentum_buffer": ("F32", s, zeros(s)) for i, (n, s) in enumerate(lenet5)},
                    {"architecture": "lenet5", "epoch": "2", "format": "pt"})
seed("checkpoint", "lenet5-sgd", struct.pack("<I", len(weights)) + weights + state)
seed("checkpoint", "lenet5-no-state", struct.pack("<I", len(weights)) + weights)
# Today's one-file checkpoint (weights, optimizer.* state, the training position in its metadata)
# is written by ConvNet itself, not here: Fuzz/Corpus/checkpoint/lenet5-one-file is the UInt32 size
# followed by the file of `convnet train --max-steps 2 --batch-size 8 --optimizer sgd --save s.safetensors`.
seed("checkpoint", "small", struct.pack("<I", len(files["mixed"])) + files["mixed"] + files["empty"])

# CIFAR: first byte = flags (bit 0 CIFAR-100, bit 1 coarse labels, bit 2 names file).
record10 = bytes([3]) + bytes(i % 256 for i in range(3072))
record100 = bytes([5, 42]) + bytes((7 * i) % 256 for i in range(3072))
seed("cifar", "cifar10-2", bytes([0]) + record10 * 2)
seed("cifar", "cifar100-fine", bytes([1]) + record100)
seed("cifar", "cifar100-coarse", bytes([3]) + record100)
seed("cifar", "names", bytes([4]) + b"\n".join(b"class%d" % i for i in range(10)) + b"\n")

# CSV: first byte = label column (0…3 by position, otherwise the column named "label").
header = "label," + ",".join(f"pixel{i}" for i in range(16))
rows = ["3," + ",".join(str((i * 17) % 256) for i in range(16)),
        "7," + ",".join(str((i * 5) % 256) for i in range(16))]
seed("csv", "kaggle", b"\xff" + ("\n".join([header] + rows) + "\n").encode())
seed("csv", "crlf-quoted", b"\xff" + ("\r\n".join([header, '"1", ' + ",".join(["0"] * 16)]) + "\r\n").encode())
seed("csv", "no-header", b"\x00" + ("\n".join(rows) + "\n\n").encode())
seed("csv", "label-last", b"\x02" + b"1,2,0\n3,4,1\n")

# augment-spec: every step of TransformSpecParser.validSteps.
specs = ["crop:28:4,flip-h,rotate:15", "resize:32,center-crop:28", "resize:40:30,resized-crop:24:0.5",
         "flip-v:0.3,translate:0.1,scale:0.2,shear:10", "contrast-norm,clahe:2:8,jitter:0.2:0.1",
         "normalize:imagenet,erase:0.5", "normalize:0.1307:0.3081", "clahe", "flip-h:1, erase"]
for i, spec in enumerate(specs):
    seed("augment-spec", f"spec{i}", spec.encode())
