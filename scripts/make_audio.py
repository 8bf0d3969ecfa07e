"""Generate the example podcast's tiny media files (run once; the results are committed).

    /work/venv/bin/python scripts/make_audio.py [CONTENT_DIR]

Writes ``episodes/media/*.mp3`` (silent MPEG-1 Layer III, 48 kHz, 32 kbit/s mono, with an
ID3v2.4 title tag) and ``podcast/cover.jpg`` (1400×1400 RGB). The generators live in
:mod:`pipeline.authoring.media` (``publish init`` uses them too); the
output is the same on every machine. Tests never run this script: they use the committed files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.authoring.media import cover, silent_mp3

EPISODES = {
    "001-welcome.mp3": ("Welcome to the Commons", 6.0),
    "002-governance.mp3": ("How we decide", 9.0),
    "003-release.mp3": ("Release day", 12.0),
}


def main(content: Path) -> None:
    media = content / "episodes" / "media"
    media.mkdir(parents=True, exist_ok=True)
    for name, (title, seconds) in EPISODES.items():
        (media / name).write_bytes(silent_mp3(seconds, title))
    (content / "podcast").mkdir(parents=True, exist_ok=True)
    cover().save(content / "podcast" / "cover.jpg", "JPEG", quality=40, optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "content"))
