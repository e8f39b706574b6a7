#!/usr/bin/env python3
"""Writes one MNIST test digit (from the copy that ships with ConvNet) as an 8-bit grey PNG.

Usage: python3 docs/images/mnist_digit.py INDEX OUT.png   (standard library only)
"""
import gzip
import struct
import sys
import zlib
from pathlib import Path

root = Path(__file__).resolve().parents[2] / "Sources/ConvNetData/Resources/mnist"
index, out = int(sys.argv[1]), sys.argv[2]
with gzip.open(root / "t10k-images-idx3-ubyte.gz") as f:
    magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
    assert magic == 2051 and 0 <= index < count
    f.seek(16 + index * rows * cols)
    pixels = f.read(rows * cols)
with gzip.open(root / "t10k-labels-idx1-ubyte.gz") as f:
    f.seek(8 + index)
    label = f.read(1)[0]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


raw = b"".join(b"\x00" + pixels[r * cols:(r + 1) * cols] for r in range(rows))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 0, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
Path(out).write_bytes(png)
print(f"wrote {out}: test image {index}, label {label}, {cols}x{rows}")
