"""Anchors as GitBook's editor writes them into links, found in real spaces: a heading with
brackets (``User(s)`` is ``#…user-s``), one that starts with an emoji and its variation
selector (``⏱️ Hang Detection`` is ``#hang-detection``), a footnote (``#user-content-fn-1``)
and a tab (``#response``). Each was reported broken by ``publish links`` and was a dead
link in the built page: the ids written were ``…users``, U+FE0F then ``-hang-detection``,
``fn-1``, and none for a tab."""

from __future__ import annotations

from pathlib import Path

from tests.gitbook.conftest import article, run_space, write_space

FILES = {
    "SUMMARY.md": "# Table of contents\n\n* [Intro](README.md)\n* [Followers](followers.md)\n",
    "README.md": (
        '# Intro\n\n{% tabs %}\n{% tab title="Query" %}\nask\n{% endtab %}\n'
        '{% tab title="Response" %}\nanswer\n{% endtab %}\n{% endtabs %}\n\n'
        "See [followers](followers.md#get-all-followers-of-user-s).\n"
    ),
    "followers.md": (
        "# Followers\n\nA claim[^1] and a [linked claim](#user-content-fn-1)[^1].\n\n"
        "## Get All Followers of User(s)\n\ntext\n\n## \u23f1\ufe0f Hang Detection\n\ntext\n\n"
        "See the [sample response](README.md#response) and [hangs](#hang-detection).\n\n"
        "[^1]: The note.\n"
    ),
}


def test_the_editors_anchors_are_ids_on_the_pages(tmp_path: Path) -> None:
    root = write_space(tmp_path / "space", FILES)
    checked = run_space(root, "links", "--offline")
    assert checked.exit_code == 0, checked.output
    assert "6 links: 6 ok, 0 broken" in checked.output
    out = tmp_path / "out"
    built = run_space(root, "build", "--out", str(out))
    assert built.exit_code == 0, built.output
    followers = article(out, "followers")
    assert '<h2 id="get-all-followers-of-user-s">' in followers
    assert '<h2 id="hang-detection">' in followers
    assert 'href="../followers/#fn-1">linked claim</a>' in followers
    assert '<li id="fn-1"' in followers
    assert 'href="../#response">sample response</a>' in followers
    home = article(out, "")
    assert '<h4 class="tab-title" id="response">Response</h4>' in home
    assert '<h4 class="tab-title" id="query">Query</h4>' in home


def test_an_id_like_user_content_of_a_heading_is_left_as_written(tmp_path: Path) -> None:
    """Only a footnote's ``user-content-`` spelling is read as the footnote's id: a heading
    titled so keeps its own."""
    files = {
        **FILES,
        "README.md": "# Intro\n\nSee [the policy](followers.md#user-content-policy).\n",
        "followers.md": "# F\n\n## User content policy\n\nSee [it](#user-content-policy).\n",
    }
    root = write_space(tmp_path / "space", files)
    checked = run_space(root, "links", "--offline")
    assert checked.exit_code == 0, checked.output
