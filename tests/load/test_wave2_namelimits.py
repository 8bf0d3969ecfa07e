"""A body is scanned for link names the file system would refuse only when it holds a run of
214 bytes (no ``/``, no white space): the least a decoded name over 255 bytes is written in
(``&nGt;`` is 5 bytes for 6). A run of 64 characters was the test: 1,602 of the 4,005 pages
of MariaDB's docs were scanned, most of the load's time."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.timing import best_seconds

CONFIG = '[site]\nbase_url = "https://e.example/"\n[content]\nfolder = "content"\n'


def _site(root: Path, bodies: dict[str, str]) -> Path:
    (root / "content" / "essays").mkdir(parents=True, exist_ok=True)
    for name, body in bodies.items():
        page = f"---\ntitle: {name}\ndate: 2024-01-01\n---\n{body}"
        (root / "content" / "essays" / f"{name}.md").write_text(page, encoding="utf-8")
    (root / "publish.toml").write_text(CONFIG, encoding="utf-8")
    return root / "publish.toml"


def _validate(config: Path) -> Result:
    return CliRunner().invoke(main, ["validate", "--config", str(config)])


def test_a_link_of_300_bytes_is_still_refused_at_its_line(tmp_path: Path) -> None:
    body = "Intro.\n\n![img](" + "é" * 150 + ".png)\n"
    result = _validate(_site(tmp_path, {"a": body}))
    assert result.exit_code == 2, result.output
    assert "essays/a.md:7: body: the local image makes a file name of 304 bytes" in result.stderr


def test_a_name_written_with_references_that_decode_longer_is_refused(tmp_path: Path) -> None:
    """43 ``&nGt;`` are 215 bytes in the file and 258 in the name the link would copy."""
    body = "[x](" + "&nGt;" * 43 + ")\n"
    result = _validate(_site(tmp_path, {"b": body}))
    assert result.exit_code == 2, result.output
    assert "essays/b.md:5: body: the local link makes a file name of 258 bytes" in result.stderr


def test_pages_of_100_character_words_are_not_scanned(tmp_path: Path) -> None:
    """Validating pages whose words are 100 characters long costs what pages of 60-character
    words cost: neither is scanned for its links (the first were, at 64 characters)."""

    def page(word: int) -> str:
        return "".join(f"{'w' * word} [link {i}](other-{i}.md) `c`\n\n" for i in range(300))

    long_words = _site(tmp_path / "long", {f"p{i}": page(100) for i in range(20)})
    short_words = _site(tmp_path / "short", {f"p{i}": page(60) for i in range(20)})
    assert _validate(long_words).exit_code == 0
    assert _validate(short_words).exit_code == 0
    slow = best_seconds(lambda: _validate(long_words))
    fast = best_seconds(lambda: _validate(short_words))
    assert slow <= 1.3 * fast + 0.05, (slow, fast)
