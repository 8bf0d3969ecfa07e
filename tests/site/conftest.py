"""Helpers of the site tests: build a content tree through the real CLI, read its pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import html5lib
import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from tests.site.browser import chromium

XHTML = "{http://www.w3.org/1999/xhtml}"

SPACE_CONFIG = """\
[site]
title = "Space"
base_url = "https://space.example.org/"
timezone = "UTC"
pages = true

[content]
flavour = "gitbook"
"""
"""A GitBook space with its pages (the XSS tests build menus and bodies in one)."""


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """One headless Chromium for a test module (:func:`tests.site.browser.chromium`: skips,
    saying why, only where no browser can be installed)."""
    with chromium() as d:
        yield d


def one_page_site(root: Path, config: str, source: str, text: str) -> Path:
    """A site of ``config`` and one page, ``content/<source>`` holding ``text``, built under
    ``root`` (the build must pass): its output folder."""
    (root / "publish.toml").write_text(config, encoding="utf-8")
    page = root / "content" / source
    page.parent.mkdir(parents=True)
    page.write_text(text, encoding="utf-8")
    result = build(root, root / "out")
    assert result.exit_code == 0, result.output
    return root / "out"


def build(root: Path, out: Path, content: Path | None = None, extra: Sequence[str] = ()) -> Result:
    """``publish build`` of the tree at ``root`` (publish.toml + content/) into ``out``, with
    ``extra`` options."""
    return CliRunner().invoke(
        main,
        [
            "build",
            "--config",
            str(root / "publish.toml"),
            "--content",
            str(content or root / "content"),
            "--out",
            str(out),
            "--cache-dir",
            str(root / ".cache"),
            *extra,
        ],
    )


def parse(path: Path) -> object:
    """A page parsed as a browser would (html5lib), as an ElementTree."""
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=True)


def attrs(tree: object, tag: str, **wanted: str) -> list[dict[str, str]]:
    """Attributes of every ``tag`` element whose attributes include ``wanted``."""
    found = []
    for el in tree.iter(XHTML + tag):  # type: ignore[attr-defined]
        if all(el.get(k.replace("_", "-").rstrip("-")) == v for k, v in wanted.items()):
            found.append(dict(el.attrib))
    return found


def text_of(el: object) -> str:
    return "".join(el.itertext()).strip()  # type: ignore[attr-defined]


def find(tree: object, tag: str, cls: str) -> list[object]:
    """Elements ``tag`` whose class list has ``cls``."""
    return [
        el
        for el in tree.iter(XHTML + tag)  # type: ignore[attr-defined]
        if cls in (el.get("class") or "").split()
    ]
