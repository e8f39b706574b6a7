#!/usr/bin/env python3
"""Checks streams written by ConvNet's DEFLATE compressor with Python's zlib (the reference
decoder). Run by DeflateTests.testPythonZlibDecodesOurStreams, or by hand:

    python3 Tests/ConvNetCompressionTests/Fixtures/check_zlib_streams.py DIR

With --max-ratio R, a .zlib stream longer than R times Python's zlib level 6 (+16 bytes) on
the same bytes also fails. DIR holds NAME.raw (the original bytes) beside NAME.zlib (a zlib stream) and/or NAME.deflate
(a raw DEFLATE stream). For each pair the script decompresses with zlib and compares; it prints
one line per stream (name, sizes, and the size Python's zlib level 6 gives for the same bytes)
and exits with status 1 on the first mismatch.
"""
import os
import sys
import zlib


def main(directory, max_ratio=None):
    checked = 0
    for name in sorted(os.listdir(directory)):
        stem, extension = os.path.splitext(name)
        if extension not in (".zlib", ".deflate"):
            continue
        with open(os.path.join(directory, stem + ".raw"), "rb") as f:
            original = f.read()
        with open(os.path.join(directory, name), "rb") as f:
            stream = f.read()
        try:
            if extension == ".zlib":
                decoded = zlib.decompress(stream)
            else:
                d = zlib.decompressobj(-15)
                decoded = d.decompress(stream) + d.flush()
                if d.unused_data or not d.eof:
                    raise zlib.error("stream does not end exactly at the end of the file")
        except zlib.error as error:
            print(f"FAIL {name}: zlib.error: {error}")
            return 1
        if decoded != original:
            print(f"FAIL {name}: decodes to {len(decoded)} bytes that differ from the "
                  f"{len(original)} original bytes")
            return 1
        reference = len(zlib.compress(original, 6))
        if max_ratio is not None and extension == ".zlib" and len(stream) > max_ratio * reference + 16:
            print(f"FAIL {name}: {len(stream)} bytes, more than {max_ratio} x zlib's {reference}")
            return 1
        print(f"ok {name}: {len(original)} -> {len(stream)} bytes (python zlib level 6: {reference})")
        checked += 1
    print(f"checked {checked} streams")
    return 0 if checked > 0 else 1


if __name__ == "__main__":
    arguments = sys.argv[1:]
    ratio = None
    if "--max-ratio" in arguments:
        i = arguments.index("--max-ratio")
        ratio = float(arguments[i + 1])
        del arguments[i:i + 2]
    sys.exit(main(arguments[0], ratio))
