"""A warning of a build that succeeds names no secret: a link in the content holding a token
the environment names is shown redacted on stderr and in ``--format json``'s report (once
the raw token was in both)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from pipeline.cli import main

TOKEN = "s3cr3t-T0KEN-value-abcdef"


@pytest.mark.parametrize("command", [["build", "--out", "feeds"], ["validate"]])
def test_a_warning_names_no_secret(
    site: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.chdir(site)
    essay = site / "content" / "essays" / "why-we-gather.md"
    essay.write_text(
        essay.read_text(encoding="utf-8") + f"\n[x](missing-{TOKEN}.md)\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, [*command, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    said = [w for w in doc["warnings"] if "why-we-gather.md" in w]
    assert said and all("missing-***" in w for w in said), doc["warnings"]
    assert "warning: " in result.stderr and "missing-***" in result.stderr
    for spelling in (TOKEN, quote(TOKEN), json.dumps(TOKEN)[1:-1], repr(TOKEN)[1:-1]):
        assert spelling not in result.stdout and spelling not in result.stderr
