"""Placeholder media for a starter site and the bundled example: silent MP3 and a cover.

Pure Python plus Pillow, so the bytes are the same on every machine (``publish init`` and
``scripts/make_audio.py`` both use these).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

FRAME_HEADER = bytes([0xFF, 0xFB, 0x14, 0xC4])
"""MPEG-1 Layer III, no CRC, 32 kbit/s, 48 kHz, no padding, mono, original."""
FRAME_BYTES = 144 * 32_000 // 48_000  # 96 bytes, 1152 samples = 24 ms
SIDE_INFO_BYTES = 17  # mono; all zero = no Huffman data, i.e. silence


def _syncsafe(n: int) -> bytes:
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def id3_title(title: str) -> bytes:
    """A minimal ID3v2.4 tag holding one UTF-8 TIT2 (title) frame."""
    payload = b"\x03" + title.encode("utf-8")
    frame = b"TIT2" + _syncsafe(len(payload)) + b"\x00\x00" + payload
    return b"ID3\x04\x00\x00" + _syncsafe(len(frame)) + frame


def silent_mp3(seconds: float, title: str) -> bytes:
    """``seconds`` of silence as constant-bit-rate MP3 frames, after an ID3 title tag."""
    frames = round(seconds / (1152 / 48_000))
    frame = FRAME_HEADER + bytes(FRAME_BYTES - len(FRAME_HEADER))
    assert len(frame) == FRAME_BYTES and SIDE_INFO_BYTES < FRAME_BYTES
    return id3_title(title) + frame * frames


def cover() -> Image.Image:
    """A flat two-colour cover: a circle and a bar on a dark field."""
    img = Image.new("RGB", (1400, 1400), (24, 48, 72))
    draw = ImageDraw.Draw(img)
    draw.ellipse((350, 250, 1050, 950), fill=(240, 180, 60))
    draw.rectangle((250, 1050, 1150, 1150), fill=(236, 236, 228))
    return img


def cover_jpeg() -> bytes:
    """The cover as JPEG bytes (1400×1400, the smallest size podcast directories accept)."""
    out = io.BytesIO()
    cover().save(out, "JPEG", quality=40, optimize=True)
    return out.getvalue()
