"""Two files of a GitBook space that the load's URL rule gave one URL, found in real
Git-synced spaces; each pair was a duplicate permalink, and ``publish build`` exited 2 having
written nothing:

- an ``index.md`` beside a folder's ``README.md``, as an API reference lists them:
  ``* [Tariff](billing/tariff/README.md)`` with ``* [Plan](billing/tariff/index.md)`` nested
  under it (GitBook's folder page is the README; the index is a page of its own);
- file names that differ only in what a slug drops: ``mariadb-connector-c++-guide.md`` and
  ``mariadb-connector-c-guide.md`` side by side in a database's connector guides."""

from __future__ import annotations

from pathlib import Path

from tests.gitbook.conftest import article, built_space, run_space, write_space

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n"
    "* [Tariff](billing/tariff/README.md)\n"
    "  * [Plan](billing/tariff/index.md)\n"
    "* [Guide](guide/index.md)\n",
    "README.md": "# Home\n\nSee [the plan](billing/tariff/index.md) and [the guide](guide/).\n",
    "billing/tariff/README.md": "# Tariff\n\nThe [plan](index.md).\n",
    "billing/tariff/index.md": "---\ntitle: Plan\n---\n\n# plan\n\nPlan text.\n",
    "guide/index.md": "# Guide\n\nA folder with no README: its index is its page.\n",
}

GUIDES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [C++](guides/connector-c++-guide.md)\n"
    "* [C](guides/connector-c-guide.md)\n* [Named](guides/named+.md)\n"
    "* [Named too](guides/named.md)\n"
    "* [Meeting](guides/2020-01-05-meeting.md)\n* [Meeting](guides/2021-02-02-meeting.md)\n",
    "README.md": "# Home\n\n[C++](guides/connector-c++-guide.md), [C](guides/connector-c-guide.md)\n",
    "guides/connector-c++-guide.md": "# C++ guide\n\nCpp.\n",
    "guides/connector-c-guide.md": "# C guide\n\nPlain C.\n",
    "guides/named+.md": "---\nslug: plus\n---\n\n# Named\n\nIts own slug.\n",
    "guides/named.md": "# Named too\n\nNamed text.\n",
    "guides/2020-01-05-meeting.md": "# Meeting\n\nFirst.\n",
    "guides/2021-02-02-meeting.md": "# Meeting\n\nSecond.\n",
}


def test_an_index_beside_a_readme_is_a_page_of_its_own(tmp_path: Path) -> None:
    _, out = built_space(tmp_path, FILES)
    assert "Tariff" in article(out, "billing/tariff")
    assert "Plan text." in article(out, "billing/tariff/index")
    assert 'href="../../billing/tariff/index/"' in article(out, "billing/tariff")
    assert "A folder with no README" in article(out, "guide")  # alone, still its folder's page
    assert "Plan text." not in article(out, "billing/tariff")


def test_links_and_validate_accept_the_pair(tmp_path: Path) -> None:
    root = write_space(tmp_path / "space", FILES)
    assert run_space(root, "validate").exit_code == 0
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 0, result.output


def test_names_that_differ_in_what_a_slug_drops_are_two_pages(tmp_path: Path) -> None:
    root, out = built_space(tmp_path, GUIDES)
    assert "Plain C." in article(out, "guides/connector-c-guide")
    assert "Cpp." in article(out, "guides/connector-c++-guide")
    home = article(out, "")
    assert 'href="./guides/connector-c%2B%2B-guide/"' in home
    assert 'href="./guides/connector-c-guide/"' in home
    assert "Its own slug." in article(out, "guides/plus")  # its front matter's slug: kept
    assert "Named text." in article(out, "guides/named")
    assert "Second." in article(out, "guides/2021-02-02-meeting")  # both named "meeting"
    assert "First." in article(out, "guides/2020-01-05-meeting")
    assert run_space(root, "links", "--offline").exit_code == 0
