#!/usr/bin/env python3
"""Checks PNG files written by ConvNet's PNGEncoder with Pillow (an independent decoder).
Run by PNGEncoderTests.testPillowDecodesOurFiles, or by hand:

    python3 Tests/ConvNetImageTests/Fixtures/check_png_with_pillow.py DIR

DIR holds NAME.png beside NAME.raw (the interleaved 8-bit samples the file must decode to)
and NAME.mode (the Pillow mode expected: L, LA, RGB or RGBA). Exits 3 when Pillow is not
installed (the Swift test then skips), 1 on the first mismatch, 0 when every file matches.
"""
import os
import sys

try:
    from PIL import Image
except ImportError:
    print("Pillow is not installed (pip install pillow)")
    sys.exit(3)


def main(directory):
    checked = 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".png"):
            continue
        stem = name[:-4]
        with open(os.path.join(directory, stem + ".raw"), "rb") as f:
            expected = f.read()
        with open(os.path.join(directory, stem + ".mode")) as f:
            mode = f.read().strip()
        with Image.open(os.path.join(directory, name)) as image:
            image.load()  # decodes fully; raises on a bad CRC, zlib error or short data
            if image.mode != mode:
                print(f"FAIL {name}: Pillow mode {image.mode}, expected {mode}")
                return 1
            if image.tobytes() != expected:
                print(f"FAIL {name}: {image.size} pixels differ from the encoded samples")
                return 1
        print(f"ok {name}: {mode} {image.size[0]}x{image.size[1]}")
        checked += 1
    print(f"checked {checked} files")
    return 0 if checked > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
