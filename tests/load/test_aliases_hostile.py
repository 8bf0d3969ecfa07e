"""Alias segments some servers read as ``..``: a Tomcat or Jetty path parameter (``..;/x``,
``..;jsessionid=1``), a compatibility form of a dot that NFKC normalisation makes one
(``．．``, U+FF0E; ``‥``, U+2025), blanks after the dots (``.. ``), a backslash as a
separator (``..\\x``), each also percent-encoded, or an encoded or fullwidth slash that a server
decodes before it resolves dots (``..%2fx``, ``..／x``). Each was taken as a folder's name and a
redirect page written in a folder named ``..;`` (or ``．．``): a server that reads the segment
as ``..`` serves that page at another URL than the author meant, or another page at this
one. Each is a content error at the line of ``aliases`` (an item's) or of the key (a
``[content] redirects``); a literal ``.`` or ``..`` is read from the page's folder as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import aliased_essay, run_site

HOSTILE = {
    "path parameter": "..;/x",
    "parameter with a value": "keep/..;jsessionid=1/x",
    "dot and parameter": ".;/x",
    "fullwidth dots": "\uff0e\uff0e/x",
    "two dot leader": "\u2025/x",
    "encoded dots and parameter": "%2e%2e;/x",
    "encoded parameter": "%2e%2e%3b/x",
    "encoded fullwidth dots": "%EF%BC%8E%EF%BC%8E/x",
    "trailing space": ".. /x",
    "trailing no-break space": "..\u00a0/x",
    "encoded trailing space": "..%20/x",
    "trailing tab": "..\t/x",
    "backslash": "..\\x",
    "encoded backslash": "..%5cx",
    "fullwidth backslash": "..\uff3cx",
    "encoded slash": "..%2fx",
    "encoded dots and slash": "%2e%2e%2Fx",
    "fullwidth slash": "..\uff0fx",
    "dot and encoded slash": "keep/.%2fx",
    "absolute path": "/old/..;/x/",
    "absolute path, encoded slashes": "/old/..%2f..%2fx/",
    "absolute URL": "https://e.org/old/%ef%bc%8e%ef%bc%8e/x/",
}
"""Each hostile alias; the segment a server may read as ``..`` is the one before ``/x``."""

EXPECTED = "content/essays/a.md:5: aliases: expected a path on this site such as"


def _names_under(out: Path) -> set[str]:
    return {p.name for p in out.rglob("*")} if out.exists() else set()


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_segment_read_as_dot_dot_is_refused_at_its_line(
    tmp_path: Path, runner: CliRunner, value: str
) -> None:
    config = aliased_essay(tmp_path, ["fine", value])
    result = run_site(runner, "build", config)
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if EXPECTED in ln]
    assert len(lines) == 1, result.stderr
    assert EXPECTED in lines[0] and repr(value) in lines[0], lines[0]
    why = ("some servers read as '.", "backslash", "control character")
    assert any(w in lines[0] for w in why), lines[0]
    assert "Traceback" not in result.output
    segments = {s for s in value.replace("\\", "/").split("/") if s not in ("", "x", "keep")}
    assert not _names_under(tmp_path / "out") & segments


@pytest.mark.parametrize("value", ["..;/x", "\uff0e\uff0e/x", "..\\x"])
def test_validate_refuses_them_too(tmp_path: Path, runner: CliRunner, value: str) -> None:
    result = run_site(runner, "validate", aliased_essay(tmp_path, [value]))
    assert result.exit_code == 2, result.output
    assert EXPECTED in result.stderr and repr(value) in result.stderr


def test_literal_dots_and_names_like_them_keep_working(tmp_path: Path, runner: CliRunner) -> None:
    """``..`` and ``.`` are read from the page's folder (``/essays/``); a name that only
    starts with dots, or has a ``;`` after other characters, is a folder's name as before."""
    aliases = ["../up/", "./here/", "keep/...x/page/", "keep/..a/page/", "keep/a;..;/page/"]
    result = run_site(runner, "build", aliased_essay(tmp_path, aliases))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for rel in ("up", "essays/here", "essays/keep/...x/page", "essays/keep/..a/page"):
        page = (out / rel / "index.html").read_text(encoding="utf-8")
        assert 'http-equiv="refresh"' in page and "/essays/a/" in page, rel
    assert (out / "essays/keep/a;..;/page/index.html").is_file()


def _configured(tmp_path: Path, key: str) -> Path:
    """A site of one essay whose publish.toml has ``key`` (line 6) in its redirects."""
    config = aliased_essay(tmp_path, ["/fine/"])
    config.write_text(
        '[site]\ntitle = "T"\nbase_url = "https://e.org/"\n\n[content.redirects]\n'
        f'"/good/" = "essays/a.md"\n{key} = "essays/a.md"\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(
    "key", ['"/..;/x/"', '"/old/\uff0e\uff0e/x/"', '"/old/.. /x/"', '"/old/%2e%2e%3b/x/"']
)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_redirect_key_read_as_dot_dot_is_a_configuration_error(
    tmp_path: Path, runner: CliRunner, command: str, key: str
) -> None:
    config = _configured(tmp_path, key)
    result = run_site(runner, command, config)
    assert result.exit_code == 3, result.output
    (line,) = [ln for ln in result.stderr.splitlines() if "content.redirects" in ln]
    expected = "content.redirects: expected a path on this site such as /old/page/, got "
    assert line.startswith(f"{config}:7: {expected}{key[1:-1]!r}"), line
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
