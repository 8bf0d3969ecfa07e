"""A file a page uses that a browser would run as a document holding script (an SVG with a
``<script>`` or an ``onload``, an HTML file with a script) is a content error at the line
that uses it: copied beside the page, it was served from the site's own address, and a
reader who opened it ran its author's script as the site (a stored XSS). A drawing with no
script is copied byte for byte."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main

FRONT = "---\ntitle: P\ndate: 2024-01-01\nid: p1\n{extra}---\n\n"
CONFIG = '[site]\ntitle = "T"\nbase_url = "https://t.example/"\n'
DRAWING = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>'


def _site(tmp_path: Path, body: str, files: dict[str, bytes], extra: str = "") -> None:
    folder = tmp_path / "content" / "essays"
    folder.mkdir(parents=True)
    (folder / "p.md").write_text(FRONT.format(extra=extra) + body, encoding="utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (tmp_path / "publish.toml").write_text(CONFIG, encoding="utf-8")


def _run(tmp_path: Path, command: str) -> Result:
    args = [command, "--config", str(tmp_path / "publish.toml")]
    if command == "build":
        args += ["--out", str(tmp_path / "out")]
    return CliRunner().invoke(main, args)


def _written(tmp_path: Path) -> list[Path]:
    out = tmp_path / "out"
    return [p for p in out.rglob("*") if p.is_file() and p.name != ".publish.lock"]


def test_scripts_in_used_files_are_errors_at_the_lines_that_use_them(tmp_path: Path) -> None:
    _site(
        tmp_path,
        'A picture: ![plan](plan.svg)\n\nThe [deck](deck.html).\n\n{% file src="map.svg" %}\n',
        {
            "plan.svg": b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>',
            "deck.html": b"<!doctype html><p>Slides<img src=x onerror=alert(1)>",
            "map.svg": b'<svg xmlns="http://www.w3.org/2000/svg">'
            b'<a href="jav&#x61;script:alert(1)"><text>x</text></a></svg>',
            "cover.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        },
        extra="image: cover.svg\n",
    )
    for command in ("build", "validate"):
        result = _run(tmp_path, command)
        assert result.exit_code == 2, result.output
        lines = [line for line in result.stderr.splitlines() if " file: " in line]
        assert [line.split("/content/", 1)[1].split(" (its")[0] for line in lines] == [
            "essays/p.md:5: file: essays/cover.svg holds an event handler (onload=) on <svg>",
            "essays/p.md:8: file: essays/plan.svg holds a <script> element",
            "essays/p.md:10: file: essays/deck.html holds an event handler (onerror=) on <img>",
            "essays/p.md:12: file: essays/map.svg holds a script URL in href= on <a>",
        ]
        assert "(its line 2)" in lines[1]
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or _written(tmp_path) == []


def test_a_drawing_without_script_is_copied_as_it_is(tmp_path: Path) -> None:
    _site(tmp_path, "A picture: ![plan](plan.svg)\n", {"plan.svg": DRAWING})
    result = _run(tmp_path, "build")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "essays" / "p" / "plan.svg").read_bytes() == DRAWING
