#!/usr/bin/env python3
"""Draws Vigie's icon (an open eye on a night-blue tile) and writes every size Tauri asks for.

Standard library only (zlib + struct), so anyone can regenerate the committed files:
    python3 src-tauri/icons/make_icons.py
Outputs, beside this script: icon.png (512), 32x32.png, 128x128.png, 128x128@2x.png (256),
icon.ico (Windows, PNG-compressed entries) and icon.icns (macOS, PNG entries).
All PNGs are 8-bit RGBA: tauri-codegen refuses any other colour type for the window icon.
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

TILE = (23, 50, 77)  # night blue
WHITE = (244, 247, 250)
IRIS = (42, 157, 143)  # teal
IRIS_RIM = (27, 106, 97)
PUPIL = (11, 30, 45)


def coverage(size, sample):
    """Average `sample(x, y) -> (rgba)` over a 4×4 grid inside each pixel (anti-aliasing)."""
    n = 4
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(n):
                for sx in range(n):
                    # Work in a 512-unit design space whatever the output size.
                    x = (px + (sx + 0.5) / n) * 512.0 / size
                    y = (py + (sy + 0.5) / n) * 512.0 / size
                    r, g, b, a = sample(x, y)
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            a = acc[3] / (n * n)
            if a > 0:
                rgb = [int(round(c / acc[3])) for c in acc[:3]]
            else:
                rgb = [0, 0, 0]
            row += bytes(rgb + [int(round(a * 255))])
        rows.append(bytes(row))
    return rows


def in_rounded_square(x, y, lo=16.0, hi=496.0, radius=96.0):
    cx = min(max(x, lo + radius), hi - radius)
    cy = min(max(y, lo + radius), hi - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2


def sample(x, y):
    if not in_rounded_square(x, y):
        return (0, 0, 0, 0.0)
    # The eye: an almond made of two circle arcs (half-width 190, half-height 112).
    half_w, half_h = 190.0, 112.0
    r = (half_w**2 + half_h**2) / (2 * half_h)
    d_upper = math.hypot(x - 256, y - (256 - half_h + r))
    d_lower = math.hypot(x - 256, y - (256 + half_h - r))
    if d_upper <= r and d_lower <= r:
        d = math.hypot(x - 256, y - 256)
        if math.hypot(x - 284, y - 226) <= 18:
            return WHITE + (1.0,)  # catch-light
        if d <= 38:
            return PUPIL + (1.0,)
        if d <= 82:
            return IRIS + (1.0,)
        if d <= 92:
            return IRIS_RIM + (1.0,)
        return WHITE + (1.0,)
    # A thin outline around the almond, so the eye reads at 32 px.
    if d_upper <= r + 14 and d_lower <= r + 14:
        return (210, 225, 238, 1.0)
    return TILE + (1.0,)


def png_bytes(size):
    rows = coverage(size, sample)
    raw = b"".join(b"\x00" + row for row in rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ico_bytes(pngs):
    """ICO container holding PNG images (supported since Windows Vista)."""
    out = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, data in pngs:
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return out + entries + blobs


def icns_bytes(pngs):
    """ICNS container with PNG payloads: ic07 = 128, ic08 = 256, ic09 = 512."""
    kinds = {128: b"ic07", 256: b"ic08", 512: b"ic09"}
    body = b"".join(kinds[s] + struct.pack(">I", 8 + len(d)) + d for s, d in pngs if s in kinds)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main():
    sizes = {}
    for size in (16, 32, 48, 128, 256, 512):
        sizes[size] = png_bytes(size)
    files = {
        "icon.png": sizes[512],
        "32x32.png": sizes[32],
        "128x128.png": sizes[128],
        "128x128@2x.png": sizes[256],
        "icon.ico": ico_bytes([(s, sizes[s]) for s in (16, 32, 48, 256)]),
        "icon.icns": icns_bytes([(s, sizes[s]) for s in (128, 256, 512)]),
    }
    for name, data in files.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        print(f"wrote {name} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
