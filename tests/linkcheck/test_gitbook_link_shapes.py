"""Links real GitBook handbooks hold that work in GitBook and on the built site, which the
checker called broken (a helper's findings): a footnote defined in one word (PlazmaMC's
``[^1]: Operator.``, read as a link definition), and a folder whose page is a lower-case
``readme.md`` (team_lead_docs: GitBook's own commit wrote ``(<My Analytics PO/>)``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import offline_statuses, small_site

NOTED = (
    "---\ntitle: N\ndate: 2024-01-01\nid: n\n---\n"
    "Operators[^1] can do more[^2].\n\n[^1]: Operator.\n\n[^2]: See [the guide](Guide/).\n"
)
GUIDE = "---\ntitle: G\ndate: 2024-01-02\nid: g\n---\n## Setup\n\nText.\n"


@pytest.mark.parametrize("readme", ["readme.md", "ReadMe.md"])
def test_footnotes_and_a_lower_case_readme_are_no_broken_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, readme: str
) -> None:
    """A readme.md of any case is the folder's page (the load publishes it at the folder's
    URL): ``ReadMe.md``, spelt in none of the usual ways, was called broken by both the
    checker and the renderer (which linked essays/noted/Guide/)."""
    monkeypatch.chdir(tmp_path)
    linking = NOTED + "\n[setup](Guide/#setup) and [a typo](Guide/#setpu)\n"
    small_site(tmp_path, {"essays/noted.md": linking, f"essays/Guide/{readme}": GUIDE})
    checked, rows = offline_statuses()
    assert rows == {"Guide/": "ok", "Guide/#setup": "ok", "Guide/#setpu": "broken"}, checked.output
    assert '"source": "content/essays/noted.md:10"' in checked.output  # the file's lines
    # and the renderer links the folder's page as the checker reads it (it linked
    # ./Guide, a 404, while the checker said ok: a helper's finding)
    built = CliRunner().invoke(main, ["build", "--out", "out"])
    assert built.exit_code == 0, built.output
    page = (tmp_path / "out/essays/noted/index.html").read_text(encoding="utf-8")
    href = page.split('">setup</a>')[0].rsplit('href="', 1)[1]
    assert href.endswith("/#setup")  # the readme's page, wherever the load published it
    target = tmp_path / "out/essays/noted" / href.removesuffix("#setup") / "index.html"
    assert 'id="setup"' in target.resolve().read_text(encoding="utf-8")
