#!/usr/bin/env python3
"""Compares the size of PNG files written by ConvNet's PNGEncoder with Pillow's on the same
pixels: each file in DIR is decoded by Pillow and saved again with Pillow's defaults
(`Image.save(..., optimize=False)`: level 6, adaptive filters), and both sizes are printed.
Pillow's wheels compress with zlib-ng, which differs from zlib, so the last two columns
separate the compressor from the filters: our IDAT data, and Python's zlib level 6 on our
filtered rows.

    CONVNET_DRAW_SAMPLES=/tmp/pictures CONVNET_DRAW_PHOTO=photo.jpg \\
      swift test -c release --filter TileGridTests/testSamplePictures
    python3 Tests/ConvNetImageTests/Fixtures/compare_png_sizes.py /tmp/pictures
"""
import io
import os
import struct
import sys
import zlib

from PIL import Image


def idat(data):
    """The concatenated IDAT bodies of a PNG file."""
    position, body = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        if data[position + 4:position + 8] == b"IDAT":
            body += data[position + 8:position + 8 + length]
        position += 12 + length
    return body


def main(directory):
    print(f"{'file':<14} {'size':>10} {'ConvNet':>9} {'Pillow':>9} {'ratio':>6}"
          f" {'our IDAT':>9} {'zlib 6':>9}")
    total_ours = total_pillow = 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".png"):
            continue
        path = os.path.join(directory, name)
        ours = os.path.getsize(path)
        with Image.open(path) as image:
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=False)
            size = f"{image.size[0]}x{image.size[1]}"
        pillow = len(buffer.getvalue())
        total_ours += ours
        total_pillow += pillow
        with open(path, "rb") as f:
            stream = idat(f.read())
        reference = len(zlib.compress(zlib.decompress(stream), 6))
        print(f"{name:<14} {size:>10} {ours:>9} {pillow:>9} {ours / pillow:>6.3f}"
              f" {len(stream):>9} {reference:>9}")
    print(f"{'total':<14} {'':>10} {total_ours:>9} {total_pillow:>9} {total_ours / total_pillow:>6.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
