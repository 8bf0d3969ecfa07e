"""End to end (needs the outside patch: render_items/link_targets and check.py's LocalChecker
told GitBook mode): a space's ``../../.gitbook/assets/fees.png`` from ``qa/fees.md`` is copied
beside the page, the page shows the copy, and ``publish links`` accepts it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

PNG = b"\x89PNG\r\n\x1a\n-fees-"
FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Fees](qa/fees.md)\n",
    "README.md": "# Home\n\nWelcome.\n",
    "qa/fees.md": "# Fees\n\n![fees](../../.gitbook/assets/fees.png)\n\n"
    "Back [home](../../../README.md).\n",
}
CONFIG = '[site]\nbase_url = "https://h.example/"\n[content]\nflavour = "{flavour}"\n'


def _space(tmp_path: Path, flavour: str) -> list[str]:
    root = tmp_path / "space"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / ".gitbook" / "assets").mkdir(parents=True)
    (root / ".gitbook" / "assets" / "fees.png").write_bytes(PNG)
    (root / "publish.toml").write_text(CONFIG.format(flavour=flavour), encoding="utf-8")
    return ["--config", str(root / "publish.toml"), "--content", str(root)]


def test_a_space_copies_the_image_and_the_checker_accepts_it(tmp_path: Path) -> None:
    args = _space(tmp_path, "gitbook")
    out = tmp_path / "out"
    built = CliRunner().invoke(main, ["build", *args, "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert "points at nothing" not in built.output
    assert (out / "qa" / "fees" / "fees.png").read_bytes() == PNG
    page = (out / "qa" / "fees" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../qa/fees/fees.png"' in page
    assert 'href="../../"' in page
    checked = CliRunner().invoke(main, ["links", "--offline", *args])
    assert checked.exit_code == 0, checked.output


def test_plain_content_copies_nothing_from_outside_and_reports_it(tmp_path: Path) -> None:
    args = _space(tmp_path, "plain")
    out = tmp_path / "out"
    built = CliRunner().invoke(main, ["build", *args, "--out", str(out)])
    assert built.exit_code == 0, built.output
    assert not list(out.rglob("fees.png"))
    checked = CliRunner().invoke(main, ["links", "--offline", *args])
    assert checked.exit_code == 2, checked.output
    assert "outside the content root" in checked.output
