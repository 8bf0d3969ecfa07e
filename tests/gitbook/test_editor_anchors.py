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


def _checked_and_built(tmp_path: Path, files: dict[str, str], links: int) -> Path:
    """The space of ``files``: ``publish links`` finds its ``links`` links ok, and the build's
    output folder."""
    root = write_space(tmp_path / "space", files)
    checked = run_space(root, "links", "--offline")
    assert checked.exit_code == 0, checked.output
    assert f"{links} links: {links} ok, 0 broken" in checked.output
    out = tmp_path / "out"
    built = run_space(root, "build", "--out", str(out))
    assert built.exit_code == 0, built.output
    return out


def test_the_editors_anchors_are_ids_on_the_pages(tmp_path: Path) -> None:
    out = _checked_and_built(tmp_path, FILES, 6)
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


def test_and_and_or_are_spelled_out_in_heading_ids_not_in_page_paths(tmp_path: Path) -> None:
    """``### DDD & CQRS`` is ``#ddd-and-cqrs`` and ``### Badge | March`` is
    ``#badge-or-march`` in the links GitBook's editor wrote (AxonIQ's reference guide,
    Beefree's docs): both were reported broken, and the pages' ids were ``ddd-cqrs`` and
    ``badge-march``. A page's path from its title drops them, as before."""
    files = {
        "SUMMARY.md": "# Summary\n\n* [Intro](README.md)\n* [Q & A](qa.md)\n",
        "README.md": "# Intro\n\nSee [cqrs](qa.md#ddd-and-cqrs), [badge](qa.md#badge-or-march)"
        " and [the page at its title's path](/q-a).\n",
        "qa.md": "# Q & A\n\n### DDD & CQRS\n\ntext\n\n### Badge | March\n\ntext\n",
    }
    page = article(_checked_and_built(tmp_path, files, 5), "qa")
    assert '<h3 id="ddd-and-cqrs">' in page and '<h3 id="badge-or-march">' in page


def test_an_expandable_blocks_summary_is_named_as_gitbooks_editor_links_it(
    tmp_path: Path,
) -> None:
    """GitBook's editor links an expandable block by its summary's slug (Beefree's docs:
    ``#copy-this-pre-built-prompt-to-get-started-faster-with-ai``, eleven such links): each
    was reported broken, and the block had no id to land on."""
    files = {
        "SUMMARY.md": "# Summary\n\n* [Intro](README.md)\n* [Log](log.md)\n",
        "README.md": "# Intro\n\nSee [the dialog](log.md#delete-row-dialog).\n",
        "log.md": (
            "# Log\n\n<details>\n\n<summary>Delete Row Dialog</summary>\n\nBody.\n\n</details>\n\n"
            "## Delete Row Dialog\n\nSee [the prompt](#delete-row-dialog-1).\n"
        ),
    }
    page = article(_checked_and_built(tmp_path, files, 4), "log")
    assert '<summary id="delete-row-dialog">Delete Row Dialog</summary>' in page
    assert '<h2 id="delete-row-dialog-1">' in page  # numbered after it, in the page's order


def test_an_unclosed_summary_leaves_the_headings_after_it_theirs(tmp_path: Path) -> None:
    """``<summary>Open`` without its close took the headings after it, up to a later
    ``</summary>``, as its text: they lost their ids (a helper's finding). A heading in a
    summary keeps its own id."""
    files = {
        "SUMMARY.md": "# S\n\n* [Intro](README.md)\n* [FAQ](faq.md)\n",
        "README.md": "# Intro\n\nSee [inner](faq.md#inner-heading), [after](faq.md#after).\n",
        "faq.md": (
            "# FAQ\n\n<details><summary>Open\n\n## Inner heading\n\n## After\n\n"
            "<details>\n<summary>Closed</summary>\n\nx\n\n</details>\n\n"
            "<details><summary><h3>Install steps</h3></summary>\n\ny\n\n</details>\n"
        ),
    }
    page = article(_checked_and_built(tmp_path, files, 4), "faq")
    assert '<h2 id="inner-heading">' in page and '<h2 id="after">' in page
    assert '<summary id="closed">Closed</summary>' in page
    assert '<h3 id="install-steps">' in page
