"""The anchor of an OpenAPI operation block, as a real Git-synced API reference links to it:
``[Get permissions](account.md#post-panel-account-get_permissions)`` names the block
``{% openapi-operation spec="admin-panel" path="/panel/account/get_permissions"
method="post" %}`` (72 such links in one space, each matching its block). The block was
written without an id: every such link led to the top of the page."""

from __future__ import annotations

from pathlib import Path

from tests.gitbook.conftest import article, run_space, write_space

FILES = {
    "SUMMARY.md": "# Summary\n\n* [Home](README.md)\n* [Account](account.md)\n",
    "README.md": "# Home\n\n[Permissions](account.md#post-panel-account-get_permissions)\n",
    "account.md": "# Account\n\n## Log in\n\n"
    '{% openapi-operation spec="admin" path="/panel/account/auth" method="post" %}\n'
    "{% endopenapi-operation %}\n\n## Permissions\n\n"
    '{% openapi-operation spec="admin" path="/panel/account/get_permissions" method="POST" %}\n'
    "{% endopenapi-operation %}\n\n"
    '{% openapi-operation spec="admin" path="/users/{id}" method="get" %}\n'
    "{% endopenapi-operation %}\n\n"
    '{% openapi-operation spec="admin" method="get" %}\n{% endopenapi-operation %}\n',
}


def test_an_operation_block_has_the_anchor_gitbook_gives_it(tmp_path: Path) -> None:
    root = write_space(tmp_path / "space", FILES)
    out = tmp_path / "out"
    result = run_space(root, "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = article(out, "account")
    assert '<div class="gitbook-openapi-operation" id="post-panel-account-auth">' in page
    assert 'id="post-panel-account-get_permissions">' in page
    assert 'id="get-users-id">' in page
    assert page.count('<div class="gitbook-openapi-operation">') == 1  # no path: no anchor


def test_the_link_checker_accepts_the_anchor_the_page_has(tmp_path: Path) -> None:
    """The checker's anchors come from the same pass that writes the page: an id the GitBook
    pass writes (no raw HTML of the author's on the page) was missing from them, and the
    link above was reported broken where the built page has its target."""
    root = write_space(tmp_path / "space", FILES)
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 0, result.output
    files = {**FILES, "README.md": FILES["README.md"] + "\n[Nowhere](account.md#post-nowhere)\n"}
    root = write_space(tmp_path / "broken", files)
    result = run_space(root, "links", "--offline")
    assert result.exit_code == 2, result.output
    assert "#post-nowhere" in result.output
