"""An item's ``id`` in a permalink (``/{section}/{id}/``) that makes a ``.`` or ``..``
segment: its URL pointed at no page (none was written) and every link to it was broken, exit
0. It is a content error at the id's line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

SITE = '[site]\ntitle = "H"\nbase_url = "https://h.example.org/"\ntimezone = "UTC"\n'


def build(root: Path, item_id: str) -> tuple[int, str]:
    (root / "content/essays").mkdir(parents=True)
    essay = f"---\ntitle: a\ndate: 2024-05-01\nid: '{item_id}'\n---\nText.\n"
    (root / "content/essays/a.md").write_text(essay, encoding="utf-8")
    config = root / "publish.toml"
    config.write_text(f"{SITE}permalink = '/{{section}}/{{id}}/'\n", encoding="utf-8")
    args = ["build", "--config", str(config), "--out", str(root / "out")]
    result = CliRunner().invoke(main, [*args, "--cache-dir", str(root / "cache"), "-q"])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stderr


@pytest.mark.parametrize("item_id", ["..", ".", "../../elsewhere", "a/../b"])
def test_an_id_that_makes_a_dot_segment_of_the_permalink_is_an_error(
    tmp_path: Path, item_id: str
) -> None:
    code, err = build(tmp_path, item_id)
    assert code == 2, err
    source = tmp_path / "content/essays/a.md"
    assert f"{source}:4: id: {item_id!r} makes a '.' or '..' segment" in err, err
    assert not (tmp_path / "out").exists()


def test_an_id_with_folders_gets_its_page(tmp_path: Path) -> None:
    code, err = build(tmp_path, "2024/first")
    assert code == 0, err
    assert (tmp_path / "out/essays/2024/first/index.html").is_file()
