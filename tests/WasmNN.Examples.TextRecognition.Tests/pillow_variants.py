"""Writes one small image in every PNG colour type and bit depth Pillow saves, plus the RGB pixels Pillow reads back
(composited over white), so the C# PNG reader is checked against an independent decoder.

usage: /usr/bin/python3 pillow_variants.py OUT_DIR    -> OUT_DIR/NAME.png and OUT_DIR/NAME.rgb for each variant
"""
import os, sys
from PIL import Image, ImageDraw

out = sys.argv[1]
base = Image.new("RGBA", (37, 23), (250, 245, 230, 255))
draw = ImageDraw.Draw(base)
draw.ellipse((3, 2, 30, 20), fill=(200, 30, 60, 180))
draw.rectangle((10, 5, 35, 12), fill=(20, 90, 220, 255))
draw.line((0, 22, 36, 0), fill=(0, 0, 0, 90), width=2)
for x in range(37):
    base.putpixel((x, 21), (x * 7, 255 - x * 5, (x * 13) % 256, 255 - x * 6))

def rgb_over_white(image):
    rgba = image.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")

variants = {
    "rgba8": base,
    "rgb8": base.convert("RGB"),
    "gray8": base.convert("L"),
    "gray_alpha8": base.convert("LA"),
    "palette8": base.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=200),
    "palette4": base.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=16),
    "palette_alpha": base.convert("P", palette=Image.ADAPTIVE, colors=64),
    "gray1": base.convert("1"),
}
for name, image in variants.items():
    path = os.path.join(out, name + ".png")
    if name == "palette4":
        image.save(path, bits=4)
    else:
        image.save(path)
    reread = Image.open(path)
    reread.load()
    with open(os.path.join(out, name + ".rgb"), "wb") as f:
        f.write(rgb_over_white(reread).tobytes())
# 16-bit gray: Pillow reads it as mode I; its 8-bit value is the high byte.
gray16 = Image.new("I;16", (37, 23))
gray16.putdata([(x * 1771 + y * 523) % 65536 for y in range(23) for x in range(37)])
gray16.save(os.path.join(out, "gray16.png"))
with open(os.path.join(out, "gray16.rgb"), "wb") as f:
    f.write(bytes(v >> 8 for v in Image.open(os.path.join(out, "gray16.png")).getdata() for _ in range(3)))
print(" ".join(sorted(list(variants) + ["gray16"])))
