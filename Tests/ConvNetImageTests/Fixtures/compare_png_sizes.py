#!/usr/bin/env python3
"""Compares the size of PNG files written by ConvNet's PNGEncoder with Pillow's on the same
pixels: each file in DIR is decoded by Pillow and saved again with Pillow's defaults
(`Image.save(..., optimize=False)`: zlib level 6, adaptive filters), and both sizes are printed.

    CONVNET_DRAW_SAMPLES=/tmp/pictures CONVNET_DRAW_PHOTO=photo.jpg \\
      swift test -c release --filter TileGridTests/testSamplePictures
    python3 Tests/ConvNetImageTests/Fixtures/compare_png_sizes.py /tmp/pictures
"""
import io
import os
import sys

from PIL import Image


def main(directory):
    print(f"{'file':<14} {'size':>10} {'ConvNet':>9} {'Pillow':>9} {'ratio':>6}")
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
        print(f"{name:<14} {size:>10} {ours:>9} {pillow:>9} {ours / pillow:>6.3f}")
    print(f"{'total':<14} {'':>10} {total_ours:>9} {total_pillow:>9} {total_ours / total_pillow:>6.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
