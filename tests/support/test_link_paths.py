"""A link's path is cut from its query and fragment before it is percent-decoded: a name
written percent-encoded reads back as itself, whatever ``#``, ``?`` or ``%`` it holds."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.support.paths import as_typed, link_path, readable_link

NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), min_size=1
)


@given(name=NAMES, fragment=st.text(st.sampled_from("ab#?%")))
def test_a_name_written_percent_encoded_reads_back_as_itself(name: str, fragment: str) -> None:
    written = quote(name, safe="") + ("#" + fragment if fragment else "")
    assert link_path(written) == name
    assert link_path(readable_link(written)) == name


def test_readable_link_keeps_the_escapes_that_would_change_the_url() -> None:
    assert readable_link("c%23sharp.md#intro") == "c%23sharp.md#intro"
    assert readable_link("what%3f.md?x") == "what%3f.md?x"
    assert readable_link("image%20(1).png") == "image (1).png"
    assert readable_link("100%2523.md") == "100%2523.md"
    assert link_path("100%2523.md#a") == "100%23.md"


def test_a_url_is_shown_as_given_and_a_path_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A problem about an import's source URL names it as typed (``relpath`` took it for a
    path: ``http:/host``); a file inside the working folder is named relative to it."""
    monkeypatch.chdir(tmp_path)
    for url in ("http://127.0.0.1:8000/feed.xml", "https://example.org/a//b", "//cdn.example/x"):
        assert as_typed(url) == url
    assert as_typed(tmp_path / "content" / "a.md") == "content/a.md"
