"""A write the file system refuses part-way (a file size limit, a full disk) names the file."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import resource, sys
from pathlib import Path
from pipeline.support.output import write_atomic
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
try:
    write_atomic(Path(sys.argv[1]), b"x" * 5000)
except OSError as exc:
    print(exc.filename, exc.errno)
"""


def test_a_write_cut_by_the_file_size_limit_names_its_file(tmp_path: Path) -> None:
    """Under ``ulimit -f`` an import said only "error: File too large" (EFBIG carries no
    file name); nothing of the write is left."""
    target = tmp_path / "episodes" / "ep-2.md"
    target.parent.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(target)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    name, code = done.stdout.split()
    assert name == str(target) and int(code) == errno.EFBIG
    assert list(target.parent.iterdir()) == []
