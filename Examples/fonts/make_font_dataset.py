#!/usr/bin/env python3
"""Makes the font-style dataset of the course's "fonts" application: 32×32 grey glyphs in three
styles, as class folders that `convnet train --data` reads.

    apt-get install fonts-dejavu-core fonts-urw-base35   # the typefaces (Debian packages)
    pip install pillow
    python3 Examples/fonts/make_font_dataset.py fonts     # → fonts/train/<style>/*.png, fonts/val/…

Styles: "calligraphic" (URW Z003, a Zapf Chancery clone), "serif" (DejaVu Serif), "sans"
(DejaVu Sans). Each of the 62 characters A–Z, a–z, 0–9 is drawn white on black, with a random
size (18–26 px), rotation (±10°) and offset (±2 px) — the course's augmentation, baked in — eight
times for training and twice for validation. The seed is fixed, so the files are the same on
every run.
"""
import os
import random
import string
import sys

from PIL import Image, ImageDraw, ImageFont

STYLES = {
    "calligraphic": "/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf",
    "serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}
CHARACTERS = string.ascii_uppercase + string.ascii_lowercase + string.digits
SIZE = 32


def glyph(font_path, character, rng):
    font = ImageFont.truetype(font_path, rng.randint(18, 26))
    canvas = Image.new("L", (SIZE * 2, SIZE * 2), 0)
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = draw.textbbox((0, 0), character, font=font)
    x = (canvas.width - (right - left)) / 2 - left + rng.uniform(-2, 2)
    y = (canvas.height - (bottom - top)) / 2 - top + rng.uniform(-2, 2)
    draw.text((x, y), character, fill=255, font=font)
    canvas = canvas.rotate(rng.uniform(-10, 10), resample=Image.BILINEAR)
    offset = SIZE // 2
    return canvas.crop((offset, offset, offset + SIZE, offset + SIZE))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_font_dataset.py OUTPUT_FOLDER")
    root = sys.argv[1]
    missing = [path for path in STYLES.values() if not os.path.exists(path)]
    if missing:
        sys.exit("missing fonts (apt-get install fonts-dejavu-core fonts-urw-base35): " + ", ".join(missing))
    rng = random.Random(2026)
    for split, copies in (("train", 8), ("val", 2)):
        for style, path in STYLES.items():
            folder = os.path.join(root, split, style)
            os.makedirs(folder, exist_ok=True)
            for index, character in enumerate(CHARACTERS):
                for copy in range(copies):
                    name = f"{index:02d}-{copy}.png"
                    glyph(path, character, rng).save(os.path.join(folder, name))
    print(f"wrote {len(STYLES) * len(CHARACTERS) * 10} images to {root}")


if __name__ == "__main__":
    main()
