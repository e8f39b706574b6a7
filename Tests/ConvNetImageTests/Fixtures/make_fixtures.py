#!/usr/bin/env python3
"""Makes the image fixtures for ConvNetImageTests and their reference pixels.

Run from this directory: python3 make_fixtures.py   (needs Pillow; ImageMagick's `convert`
for the PNG bit depths and interlacing Pillow cannot write, and for 4:1:1 / 4:4:0 JPEGs).

Each image gets a reference file NAME.bin: the pixels row by row, channels interleaved,
as unsigned 8-bit samples (or 16-bit little-endian for 16-bit PNGs). manifest.json lists
every fixture with its size, channel count, sample bits and reference file.

PNG references are the pixel values the script generated (PNG is lossless); each is checked
against Pillow's decoding wherever Pillow can represent the samples exactly. JPEG references
are Pillow's decoding (libjpeg-turbo: islow IDCT, fancy upsampling), converted to "L"/"RGB".
"""
import io
import json
import os
import random
import shutil
import struct
import subprocess
import zlib

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = "/usr/bin/convert" if os.path.exists("/usr/bin/convert") else shutil.which("convert")
manifest = []


def samples(width, height, channels, maximum, seed):
    """Gradients plus noise so that neighbouring pixels differ: rows of channel tuples."""
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        row = []
        for x in range(width):
            pixel = []
            for c in range(channels):
                base = (x * (c + 1) * 37 + y * (3 - c % 3) * 53 + c * 71) % 256
                value = (base + rng.randrange(-20, 21)) % 256
                pixel.append(value * maximum // 255 if maximum != 255 else value)
            row.append(tuple(pixel))
        rows.append(row)
    return rows


def write_reference(name, width, height, channels, bits, values):
    """values: flat list of samples, row-major, channels interleaved."""
    assert len(values) == width * height * channels
    path = os.path.join(HERE, name + ".bin")
    with open(path, "wb") as f:
        if bits == 8:
            f.write(bytes(values))
        else:
            f.write(struct.pack("<%dH" % len(values), *values))
    return name + ".bin"


def add(name, kind, width, height, channels, bits, values, referenceName=None, **extra):
    reference = write_reference(referenceName or name, width, height, channels, bits, values)
    entry = dict(file=name, kind=kind, width=width, height=height, channels=channels,
                 bits=bits, reference=reference)
    entry.update(extra)
    manifest.append(entry)


def flat(rows):
    return [v for row in rows for pixel in row for v in pixel]


def pillow_values(path, mode=None):
    with Image.open(path) as im:
        if mode is not None and im.mode != mode:
            im = im.convert(mode)
        return list(im.tobytes()), im.mode


# ---------------------------------------------------------------------------------------
# PNG via Pillow: 8-bit grey / grey+alpha / RGB / RGBA, 1-bit grey, palettes, tRNS.

def png_pillow(name, mode, width, height, seed, **save):
    channels = {"L": 1, "LA": 2, "RGB": 3, "RGBA": 4}[mode]
    rows = samples(width, height, channels, 255, seed)
    im = Image.frombytes(mode, (width, height), bytes(flat(rows)))
    path = os.path.join(HERE, name)
    im.save(path, **save)
    values, _ = pillow_values(path, mode)
    assert values == flat(rows), name
    add(name, "png", width, height, channels, 8, values)


png_pillow("grey8_13x9.png", "L", 13, 9, 1)
png_pillow("greyalpha8_13x9.png", "LA", 13, 9, 2)
png_pillow("rgb8_32x24.png", "RGB", 32, 24, 3)
png_pillow("rgba8_13x9.png", "RGBA", 13, 9, 4)
# Pillow writes several IDAT chunks when its buffer is small; the 32×24 RGB image with
# optimize=False and a tiny chunk size is produced by ImageMagick below instead.

# 1-bit grey (mode "1"): samples 0/255.
rng = random.Random(5)
bits1 = [255 if rng.random() < 0.5 else 0 for _ in range(13 * 9)]
im = Image.frombytes("L", (13, 9), bytes(bits1)).convert("1", dither=Image.Dither.NONE)
im.save(os.path.join(HERE, "grey1_13x9.png"))
values, _ = pillow_values(os.path.join(HERE, "grey1_13x9.png"), "L")
assert values == bits1
add("grey1_13x9.png", "png", 13, 9, 1, 8, values)

# Palettes of 1, 2, 4 and 8 bits, one with tRNS (→ RGBA), the others → RGB.
for bits, size, transparent in [(1, (13, 9), False), (2, (13, 9), False), (4, (13, 9), True),
                                (8, (32, 24), False)]:
    count = 1 << bits
    rng = random.Random(10 + bits)
    palette = [rng.randrange(256) for _ in range(3 * count)]
    indices = [rng.randrange(count) for _ in range(size[0] * size[1])]
    im = Image.frombytes("P", size, bytes(indices))
    im.putpalette(palette)
    name = "palette%d%s_%dx%d.png" % (bits, "_trns" if transparent else "", *size)
    save = {"bits": bits} if bits < 8 else {}
    if transparent:
        save["transparency"] = bytes([(i * 37) % 256 for i in range(count)])
    im.save(os.path.join(HERE, name), **save)
    mode = "RGBA" if transparent else "RGB"
    values, _ = pillow_values(os.path.join(HERE, name), mode)
    alpha = [(i * 37) % 256 for i in range(count)]
    expected = []
    for i in indices:
        expected += palette[3 * i:3 * i + 3] + ([alpha[i]] if transparent else [])
    assert values == expected, name
    with open(os.path.join(HERE, name), "rb") as f:
        assert f.read()[24] == bits, name  # IHDR bit depth really is `bits`
    add(name, "png", size[0], size[1], 4 if transparent else 3, 8, values)

# tRNS on 8-bit grey and RGB: the key colour becomes alpha 0, others alpha 255.
rows = samples(13, 9, 1, 255, 20)
key = rows[4][6][0]
im = Image.frombytes("L", (13, 9), bytes(flat(rows)))
im.save(os.path.join(HERE, "grey8_trns_13x9.png"), transparency=key)
values, _ = pillow_values(os.path.join(HERE, "grey8_trns_13x9.png"), "LA")
assert values == [v for p in flat(rows) for v in (p, 0 if p == key else 255)]
add("grey8_trns_13x9.png", "png", 13, 9, 2, 8, values)

rows = samples(13, 9, 3, 255, 21)
key = rows[2][3]
im = Image.frombytes("RGB", (13, 9), bytes(flat(rows)))
im.save(os.path.join(HERE, "rgb8_trns_13x9.png"), transparency=key)
values, _ = pillow_values(os.path.join(HERE, "rgb8_trns_13x9.png"), "RGBA")
assert values == [v for row in rows for p in row for v in p + ((0,) if p == key else (255,))]
add("rgb8_trns_13x9.png", "png", 13, 9, 4, 8, values)


# ---------------------------------------------------------------------------------------
# PNG via ImageMagick: 2/4/16-bit grey, 16-bit RGB/RGBA/grey+alpha, interlaced (Adam7).

def pgm_or_pam(rows, channels, maximum):
    """A netpbm PAM image of the samples, for ImageMagick to read exactly."""
    width, height = len(rows[0]), len(rows)
    tupltype = {1: "GRAYSCALE", 2: "GRAYSCALE_ALPHA", 3: "RGB", 4: "RGB_ALPHA"}[channels]
    header = ("P7\nWIDTH %d\nHEIGHT %d\nDEPTH %d\nMAXVAL %d\nTUPLTYPE %s\nENDHDR\n"
              % (width, height, channels, maximum, tupltype)).encode()
    fmt = ">%d%s" % (width * height * channels, "B" if maximum < 256 else "H")
    return header + struct.pack(fmt, *flat(rows))


def png_magick(name, width, height, channels, depth, seed, options):
    maximum = (1 << depth) - 1
    rows = samples(width, height, channels, maximum, seed)
    source = os.path.join(HERE, "source.pam")
    with open(source, "wb") as f:
        f.write(pgm_or_pam(rows, channels, maximum))
    path = os.path.join(HERE, name)
    subprocess.run([CONVERT, source, "-strip", "-define", "png:exclude-chunks=date,time"]
                   + options + [path], check=True)
    os.remove(source)
    with open(path, "rb") as f:
        data = f.read()
    colour_types = {1: 0, 2: 4, 3: 2, 4: 6}
    assert data[24] == depth and data[25] == colour_types[channels], (name, data[24], data[25])
    values = flat(rows)
    if depth < 8:
        values = [v * 255 // maximum for v in values]  # as the decoder scales them, ×(255/max)
    out_bits = 16 if depth == 16 else 8
    if depth == 16 and channels == 1:
        with Image.open(path) as im:
            assert list(struct.unpack("<%dH" % (width * height), im.tobytes("raw", "I;16"))) == values
    elif depth <= 8:
        pillow, _ = pillow_values(path, {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[channels])
        assert pillow == values, name
    add(name, "png", width, height, channels, out_bits, values,
        interlaced=bool(data[28]))


grey = ["-define", "png:color-type=0"]
png_magick("grey2_13x9.png", 13, 9, 1, 2, 30, grey + ["-define", "png:bit-depth=2"])
png_magick("grey4_13x9.png", 13, 9, 1, 4, 31, grey + ["-define", "png:bit-depth=4"])
png_magick("grey16_13x9.png", 13, 9, 1, 16, 32, grey + ["-define", "png:bit-depth=16"])
png_magick("greyalpha16_13x9.png", 13, 9, 2, 16, 33,
           ["-define", "png:color-type=4", "-define", "png:bit-depth=16"])
png_magick("rgb16_13x9.png", 13, 9, 3, 16, 34,
           ["-define", "png:color-type=2", "-define", "png:bit-depth=16"])
png_magick("rgba16_13x9.png", 13, 9, 4, 16, 35,
           ["-define", "png:color-type=6", "-define", "png:bit-depth=16"])
png_magick("rgb8_interlaced_13x9.png", 13, 9, 3, 8, 36,
           ["-define", "png:color-type=2", "-define", "png:bit-depth=8", "-interlace", "PNG"])
png_magick("grey4_interlaced_13x9.png", 13, 9, 1, 4, 37,
           grey + ["-define", "png:bit-depth=4", "-interlace", "PNG"])
png_magick("rgba16_interlaced_9x7.png", 9, 7, 4, 16, 38,
           ["-define", "png:color-type=6", "-define", "png:bit-depth=16", "-interlace", "PNG"])
# Every PNG filter type: written by this script (encoders choose filters themselves), row y
# filtered with type y mod 5, so each image uses None, Sub, Up, Average and Paeth.

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def write_png_rotating_filters(name, rows, colour_type, depth, channels):
    width, height = len(rows[0]), len(rows)
    raw_rows = []
    for row in rows:
        if depth == 16:
            raw_rows.append(b"".join(struct.pack(">H", v) for p in row for v in p))
        elif depth == 8:
            raw_rows.append(bytes(v for p in row for v in p))
        else:  # pack sub-byte samples, most significant first
            bits = "".join(format(p[0], "0%db" % depth) for p in row)
            bits += "0" * (-len(bits) % 8)
            raw_rows.append(bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)))
    bpp = max(1, channels * depth // 8)
    out, previous = bytearray(), bytes(len(raw_rows[0]))
    for y, raw in enumerate(raw_rows):
        kind = y % 5
        filtered = bytearray([kind])
        for i, value in enumerate(raw):
            a = raw[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            filtered.append((value - predictor) % 256)
        out += filtered
        previous = raw

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                + chunk(b"IDAT", zlib.compress(bytes(out), 9)) + chunk(b"IEND", b""))


rows = samples(13, 9, 3, 255, 60)
write_png_rotating_filters("rgb8_filters_13x9.png", rows, 2, 8, 3)
values, _ = pillow_values(os.path.join(HERE, "rgb8_filters_13x9.png"), "RGB")
assert values == flat(rows)
add("rgb8_filters_13x9.png", "png", 13, 9, 3, 8, values)

rows = samples(11, 10, 2, 65535, 61)
write_png_rotating_filters("greyalpha16_filters_11x10.png", rows, 4, 16, 2)
add("greyalpha16_filters_11x10.png", "png", 11, 10, 2, 16, flat(rows))

rows = samples(15, 10, 1, 15, 62)
write_png_rotating_filters("grey4_filters_15x10.png", rows, 0, 4, 1)
values, _ = pillow_values(os.path.join(HERE, "grey4_filters_15x10.png"), "L")
assert values == [v * 17 for v in flat(rows)]
add("grey4_filters_15x10.png", "png", 15, 10, 1, 8, values)


def split_idat(source, name, pieces):
    """Rewrites a PNG with its zlib stream spread over `pieces` IDAT chunks."""
    with open(os.path.join(HERE, source), "rb") as f:
        data = f.read()
    position, chunks = 8, []
    while position < len(data):
        length, = struct.unpack(">I", data[position:position + 4])
        chunks.append((data[position + 4:position + 8], data[position + 8:position + 8 + length]))
        position += 12 + length
    stream = b"".join(body for kind, body in chunks if kind == b"IDAT")
    size = -(-len(stream) // pieces)
    out = bytearray(data[:8])
    for kind, body in chunks:
        if kind == b"IDAT":
            if not stream:
                continue
            bodies, stream = [stream[i:i + size] for i in range(0, len(stream), size)], b""
        else:
            bodies = [body]
        for body in bodies:
            out += struct.pack(">I", len(body)) + kind + body
            out += struct.pack(">I", zlib.crc32(kind + body))
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(out)
    values, _ = pillow_values(os.path.join(HERE, name), "RGB")
    entry = next(e for e in manifest if e["file"] == source)
    add(name, "png", entry["width"], entry["height"], 3, 8, values)


split_idat("rgb8_32x24.png", "rgb8_multi_idat_32x24.png", 3)


# ---------------------------------------------------------------------------------------
# JPEG via Pillow (libjpeg-turbo) and ImageMagick (libjpeg); references decoded by Pillow.

def jpeg_reference(name, mode):
    path = os.path.join(HERE, name)
    with Image.open(path) as im:
        im.load()
        assert im.mode == mode, (name, im.mode)
        width, height = im.size
        values = list(im.tobytes())
    add(name, "jpeg", width, height, 1 if mode == "L" else 3, 8, values)


def jpeg_pillow(name, mode, width, height, seed, **save):
    channels = {"L": 1, "RGB": 3}[mode]
    rows = samples(width, height, channels, 255, seed)
    im = Image.frombytes(mode, (width, height), bytes(flat(rows)))
    im.save(os.path.join(HERE, name), **save)
    jpeg_reference(name, mode)


jpeg_pillow("baseline_grey_13x9.jpg", "L", 13, 9, 40, quality=90)
jpeg_pillow("baseline_444_32x24.jpg", "RGB", 32, 24, 41, quality=90, subsampling=0)
jpeg_pillow("baseline_422_33x17.jpg", "RGB", 33, 17, 42, quality=85, subsampling=1)
jpeg_pillow("baseline_420_37x29.jpg", "RGB", 37, 29, 43, quality=85, subsampling=2)
jpeg_pillow("baseline_420_3x3.jpg", "RGB", 3, 3, 44, quality=85, subsampling=2)
jpeg_pillow("progressive_420_40x30.jpg", "RGB", 40, 30, 45, quality=80, progressive=True)
jpeg_pillow("progressive_grey_21x13.jpg", "L", 21, 13, 46, quality=80, progressive=True)
jpeg_pillow("restart_420_37x29.jpg", "RGB", 37, 29, 47, quality=85, restart_marker_blocks=1)
jpeg_pillow("restart_progressive_444_24x16.jpg", "RGB", 24, 16, 48, quality=85,
            subsampling=0, progressive=True, restart_marker_blocks=2)
# Adobe APP14 with transform 0: stored as RGB, no colour conversion.
jpeg_pillow("adobe_rgb_16x8.jpg", "RGB", 16, 8, 49, quality=90, keep_rgb=True)
# 16-bit quantisation tables (values above 255).
jpeg_pillow("dqt16_16x16.jpg", "L", 16, 16, 50,
            qtables=[[min(1 + i * 9, 600) for i in range(64)]])


def jpeg_magick(name, width, height, seed, options):
    rows = samples(width, height, 3, 255, seed)
    source = os.path.join(HERE, "source.pam")
    with open(source, "wb") as f:
        f.write(pgm_or_pam(rows, 3, 255))
    subprocess.run([CONVERT, source, "-strip", "-quality", "85"] + options
                   + [os.path.join(HERE, name)], check=True)
    os.remove(source)
    jpeg_reference(name, "RGB")


jpeg_magick("baseline_411_35x11.jpg", 35, 11, 51, ["-sampling-factor", "4x1"])
jpeg_magick("baseline_440_19x21.jpg", 19, 21, 52, ["-sampling-factor", "1x2"])

# Malformed on purpose (no reference): valid chunks and zlib stream, but the IDAT data holds
# only 5 of the 9 rows the header promises.
rows = samples(13, 9, 3, 255, 70)
raw = b"".join(b"\x00" + bytes(v for p in row for v in p) for row in rows[:5])


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


with open(os.path.join(HERE, "bad_short_idat_13x9.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 13, 9, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))

# Pillow's convert("L") of a colour fixture, for Image.grayscale().
with Image.open(os.path.join(HERE, "rgb8_32x24.png")) as im:
    add("rgb8_32x24.png", "luma", 32, 24, 1, 8, list(im.convert("L").tobytes()),
        referenceName="rgb8_32x24_L")

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=1)
    f.write("\n")
total = sum(os.path.getsize(os.path.join(HERE, n)) for n in os.listdir(HERE))
print("%d fixtures, %d bytes in Fixtures/" % (len(manifest), total))

