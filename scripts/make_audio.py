"""Generate the example podcast's tiny media files (run once; the results are committed).

    /work/venv/bin/python scripts/make_audio.py [CONTENT_DIR]

Writes ``episodes/media/*.mp3`` (silent MPEG-1 Layer III, 48 kHz, 32 kbit/s mono, with an
ID3v2.4 title tag) and ``podcast/cover.jpg`` (1400×1400 RGB). Pure Python plus Pillow, so the
output is the same on every machine. Tests never run this script: they use the committed files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

FRAME_HEADER = bytes([0xFF, 0xFB, 0x14, 0xC4])
"""MPEG-1 Layer III, no CRC, 32 kbit/s, 48 kHz, no padding, mono, original."""
FRAME_BYTES = 144 * 32_000 // 48_000  # 96 bytes, 1152 samples = 24 ms
SIDE_INFO_BYTES = 17  # mono; all zero = no Huffman data, i.e. silence
EPISODES = {
    "001-welcome.mp3": ("Welcome to the Commons", 6.0),
    "002-governance.mp3": ("How we decide", 9.0),
    "003-release.mp3": ("Release day", 12.0),
}


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


def main(content: Path) -> None:
    media = content / "episodes" / "media"
    media.mkdir(parents=True, exist_ok=True)
    for name, (title, seconds) in EPISODES.items():
        (media / name).write_bytes(silent_mp3(seconds, title))
    (content / "podcast").mkdir(parents=True, exist_ok=True)
    cover().save(content / "podcast" / "cover.jpg", "JPEG", quality=40, optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "content"))
