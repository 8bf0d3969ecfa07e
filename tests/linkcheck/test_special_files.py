"""Files that are not regular in the content folder: a link's anchor into a named pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.hostile.sites import essay, make_site


def test_an_anchor_into_a_named_pipe_ends(tmp_path: Path) -> None:
    """A link ``x.html#frag`` to a named pipe: the checker opened it to read its ids, and the
    open waited for a writer for ever. Run as a process with a deadline: the old code hung."""
    config = make_site(tmp_path, {"essays/a.md": essay(body="See [x](../x.html#frag).\n")})
    os.mkfifo(tmp_path / "content" / "x.html")
    cmd = [sys.executable, "-m", "pipeline", "links", "--offline", "--config", str(config)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "anchor #frag not found in x.html" in done.stdout
