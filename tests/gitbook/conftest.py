"""The GitBook handbook fixture, materialised in a temporary folder.

``tests/fixtures/handbook`` holds everything that git stores safely. Two properties are added
here, in the copy, because a checkout on a case-insensitive or normalising file system could
not hold them: the NFD file name and the pair of names differing only by case (see the header
of ``EXPECTED_BROKEN.txt``).
"""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.conftest import FIXTURES

HANDBOOK = FIXTURES / "handbook"
NFC_NAME = "archive/café-conversations.md"


def make_handbook(dest: Path) -> Path:
    """Copy the handbook to ``dest/handbook``, rename one page to NFD, add a case twin image.

    Two Markdown pages differing only by case cannot be used: the loader rejects them as a
    duplicate permalink before SUMMARY.md is applied (reported to the lead).
    """
    root = dest / "handbook"
    shutil.copytree(HANDBOOK, root)
    nfc = root / NFC_NAME
    nfd = root / unicodedata.normalize("NFD", NFC_NAME)
    nfc.rename(nfd)
    assets = root / ".gitbook" / "assets"
    (assets / "team.PNG").write_bytes((assets / "Team.png").read_bytes())
    return root


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    """A fresh copy of the handbook with every property of the issue."""
    return make_handbook(tmp_path)


def expected_broken() -> list[str]:
    lines = (HANDBOOK / "EXPECTED_BROKEN.txt").read_text(encoding="utf-8").splitlines()
    return sorted(line for line in lines if line.strip() and not line.startswith("#"))


SPACE_CONFIG = '[site]\nbase_url = "https://h.example/"\n[content]\nflavour = "gitbook"\n'


def write_space(root: Path, files: dict[str, str], config: str = SPACE_CONFIG) -> Path:
    """A GitBook space of ``files`` (path -> text) with its publish.toml, at ``root``."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "publish.toml").write_text(config, encoding="utf-8")
    return root


def run_space(root: Path, *args: str) -> Result:
    """A command of the real CLI on the space ``write_space`` wrote at ``root``."""
    where = ["--config", str(root / "publish.toml"), "--content", str(root)]
    return CliRunner().invoke(main, [*args, *where])


def article(out: Path, page: str) -> str:
    """The ``<article>`` of the built page at ``out/page/``."""
    text = (out / page / "index.html").read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


def built_space(root: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """A space of ``files`` written at ``root / "space"`` and built into ``root / "out"``
    (the build must pass): the space's and the output's folders."""
    space = write_space(root / "space", files)
    built = run_space(space, "build", "--out", str(root / "out"))
    assert built.exit_code == 0, built.output
    return space, root / "out"
