#!/usr/bin/env python3
"""Makes the calligraphy-style dataset of the course's font example (隶书 vs 行楷 there): the same
Chinese characters written in five styles, as class folders that `convnet train --data` reads.

    scripts/install-course-data.sh        # or: apt-get install fortunes-zh fonts-arphic-ukai
                                          #   fonts-arphic-uming fonts-cwtex-fs fonts-kouzan-mouhitsu
    pip install pillow fonttools
    python3 Examples/calligraphy/make_calligraphy_dataset.py calligraphy
        # → calligraphy/train/<style>/*.png (21,000), calligraphy/val/<style>/*.png (1,500),
        #   calligraphy/split.txt (which characters went where)

Styles (folder name: font, Debian package):
    kai       楷书  AR PL UKai CN            fonts-arphic-ukai
    ming      宋体/明体  AR PL UMing CN      fonts-arphic-uming
    fangsong  仿宋  cwTeX FangSong           fonts-cwtex-fs
    xing      行书  Kouzan Brush Gyousyo     fonts-kouzan-mouhitsu (public domain)
    cao       草书  Kouzan Brush Sousyo      fonts-kouzan-mouhitsu (public domain)

Characters: the Chinese characters of 唐诗三百首 and 宋词 (Debian fortunes-zh), most frequent first,
keeping only those that EVERY font really draws: the code point is in the font's cmap (read with
fontTools — a renderer would silently draw a fallback or an empty box otherwise) and its glyph
leaves ink (the Kouzan fonts map some code points to empty glyphs). The split is by CHARACTER:
no validation character is ever seen in training, in any style, so validation accuracy measures
style recognition on unseen characters, not memorised glyphs.

Each image is 64×64 grey, white on black (as MNIST, so LeNet-5 digit features transfer), with
the augmentation baked in: random size, rotation (±8°), offset (±3 px) and stroke thickness
(thinned or thickened by half a pixel). The seed is fixed, so the files are the same on every run.
"""
import argparse
import collections
import logging
import os
import random
import re
import sys

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# (font file, index in a .ttc collection, description)
STYLES = {
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "楷书 AR PL UKai CN"),
    "ming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "宋/明 AR PL UMing CN"),
    "fangsong": ("/usr/share/fonts/truetype/cwtex/cwfs.ttf", 0, "仿宋 cwTeX FangSong"),
    "xing": ("/usr/share/fonts/truetype/kouzan-mouhitsu/kouzan-mouhitsu-gyosho.ttf", 0,
             "行书 Kouzan Brush Gyousyo"),
    "cao": ("/usr/share/fonts/truetype/kouzan-mouhitsu/KouzanBrushFontSousyo.ttf", 0,
            "草书 Kouzan Brush Sousyo"),
}
TEXTS = ["/usr/share/games/fortunes/tang300", "/usr/share/games/fortunes/song100"]
SIZE = 64
SUPERSAMPLE = 2  # drawn at twice the size so that a 3×3 min/max filter changes strokes by ½ px


def is_han(character):
    return "\u4e00" <= character <= "\u9fff"


def characters_by_frequency(paths):
    """Chinese characters of the texts, most frequent first (ties by code point: reproducible)."""
    counts = collections.Counter()
    for path in paths:
        with open(path, encoding="utf-8") as file:
            text = re.sub(r"\x1b\[[0-9;]*m", "", file.read())  # titles carry ANSI colour codes
        counts.update(c for c in text if is_han(c))
    return sorted(counts, key=lambda c: (-counts[c], ord(c)))


def cmap(path, index):
    font = TTFont(path, fontNumber=index, lazy=True)
    return set(font.getBestCmap())


def has_ink(font, character):
    canvas = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(canvas).text((16, 16), character, fill=255, font=font)
    return canvas.getbbox() is not None


def glyph(font_path, index, character, rng, augment=True):
    big = SIZE * SUPERSAMPLE
    size = rng.randint(40, 54) if augment else 48
    font = ImageFont.truetype(font_path, size * SUPERSAMPLE, index=index)
    canvas = Image.new("L", (big * 2, big * 2), 0)
    draw = ImageDraw.Draw(canvas)
    left, top, right, bottom = draw.textbbox((0, 0), character, font=font)
    shift = 3 * SUPERSAMPLE if augment else 0
    x = (canvas.width - (right - left)) / 2 - left + rng.uniform(-shift, shift)
    y = (canvas.height - (bottom - top)) / 2 - top + rng.uniform(-shift, shift)
    draw.text((x, y), character, fill=255, font=font)
    if augment:
        canvas = canvas.rotate(rng.uniform(-8, 8), resample=Image.BILINEAR)
        stroke = rng.choice(("thin", "same", "thick"))
        if stroke == "thin":
            canvas = canvas.filter(ImageFilter.MinFilter(3))
        elif stroke == "thick":
            canvas = canvas.filter(ImageFilter.MaxFilter(3))
    offset = big // 2
    canvas = canvas.crop((offset, offset, offset + big, offset + big))
    return canvas.resize((SIZE, SIZE), Image.LANCZOS)


def sample_grid(characters, path):
    """One row per style, one column per character, no augmentation; labels in the kai font."""
    label_font = ImageFont.truetype(STYLES["kai"][0], 20, index=STYLES["kai"][1])
    label_width = 150
    grid = Image.new("L", (label_width + SIZE * len(characters), SIZE * len(STYLES)), 0)
    draw = ImageDraw.Draw(grid)
    for row, (style, (font_path, index, description)) in enumerate(STYLES.items()):
        draw.text((6, row * SIZE + 20), description.split()[0] + " " + style, fill=255, font=label_font)
        for column, character in enumerate(characters):
            image = glyph(font_path, index, character, random.Random(0), augment=False)
            grid.paste(image, (label_width + column * SIZE, row * SIZE))
    grid.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="folder to write train/, val/ and split.txt into")
    parser.add_argument("--characters", type=int, default=1700,
                        help="how many of the most frequent covered characters to use (default 1700)")
    parser.add_argument("--val-characters", type=int, default=300,
                        help="of those, how many are held out for validation (default 300)")
    parser.add_argument("--train-copies", type=int, default=3, help="augmented copies per training glyph")
    parser.add_argument("--val-copies", type=int, default=1, help="augmented copies per validation glyph")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--grid", help="also write a picture of sample glyphs per style (PNG)")
    parser.add_argument("--text", action="append",
                        help="UTF-8 text(s) to take the characters from (default: 唐诗三百首 and 宋词)")
    args = parser.parse_args()
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # old fonts' 'timestamp seems very low'

    texts = args.text or TEXTS
    missing = [path for path in [p for p, _, _ in STYLES.values()] + texts if not os.path.exists(path)]
    if missing:
        sys.exit("missing (run scripts/install-course-data.sh, or apt-get install fortunes-zh "
                 "fonts-arphic-ukai fonts-arphic-uming fonts-cwtex-fs fonts-kouzan-mouhitsu): "
                 + ", ".join(missing))
    if not 0 < args.val_characters < args.characters:
        sys.exit(f"--val-characters must be between 1 and --characters - 1, got {args.val_characters}")

    candidates = characters_by_frequency(texts)
    maps = {style: cmap(path, index) for style, (path, index, _) in STYLES.items()}
    fonts = {style: ImageFont.truetype(path, 48, index=index) for style, (path, index, _) in STYLES.items()}
    covered, dropped = [], collections.Counter()
    for character in candidates:
        lacking = [s for s in STYLES if ord(character) not in maps[s] or not has_ink(fonts[s], character)]
        for style in lacking:
            dropped[style] += 1
        if not lacking:
            covered.append(character)
        if len(covered) == args.characters:
            break
    print(f"{len(candidates)} distinct characters in the texts; {len(covered)} used, drawn by every font "
          f"(missing or empty per font among those tried: "
          + ", ".join(f"{s} {dropped[s]}" for s in STYLES) + ")")
    if len(covered) < args.characters:
        sys.exit(f"only {len(covered)} characters are covered by every font; ask for fewer with --characters")

    rng = random.Random(args.seed)
    shuffled = covered[:]
    rng.shuffle(shuffled)
    splits = {"val": sorted(shuffled[:args.val_characters], key=covered.index),
              "train": sorted(shuffled[args.val_characters:], key=covered.index)}
    os.makedirs(args.output, exist_ok=True)
    with open(os.path.join(args.output, "split.txt"), "w", encoding="utf-8") as file:
        for split, characters in splits.items():
            file.write(f"{split} ({len(characters)}): {''.join(characters)}\n")

    total = 0
    for split, copies in (("train", args.train_copies), ("val", args.val_copies)):
        for style, (path, index, _) in STYLES.items():
            folder = os.path.join(args.output, split, style)
            os.makedirs(folder, exist_ok=True)
            for character in splits[split]:
                for copy in range(copies):
                    name = f"u{ord(character):05x}-{copy}.png"
                    glyph(path, index, character, rng).save(os.path.join(folder, name))
                    total += 1
    print(f"wrote {total} images ({len(STYLES)} styles; train {len(splits['train'])} characters × "
          f"{args.train_copies}, val {len(splits['val'])} unseen characters × {args.val_copies}) to {args.output}")
    if args.grid:
        sample_grid(splits["val"][:12], args.grid)
        print(f"wrote {args.grid}")


if __name__ == "__main__":
    main()
