"""Renders one line of text as a PNG, dark ink on white: how line.png was made, and how the tests make fresh lines.

usage: /usr/bin/python3 render_line.py TEXT OUT.png [FONT.ttf] [SIZE]   (needs Pillow: Debian python3-pil)
"""
import sys
from PIL import Image, ImageDraw, ImageFont

text, out = sys.argv[1], sys.argv[2]
font_path = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
size = int(sys.argv[4]) if len(sys.argv) > 4 else 40
font = ImageFont.truetype(font_path, size)
left, top, right, bottom = font.getbbox(text)
height = int(size * 1.6)
image = Image.new("RGB", (right - left + 24, height), "white")
ImageDraw.Draw(image).text((12 - left, (height - (bottom - top)) // 2 - top), text, font=font, fill=(20, 20, 20))
image.save(out, optimize=True)
