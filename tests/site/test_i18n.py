"""The site's own words in ``[site] language`` (Babel's gettext catalogues shipped in the
package) and ``[theme] words`` overrides, checked at ``path:line``.

After editing a ``site.po``, recompile the catalogues::

    python -c "from pipeline.syndication.theme.i18n import compile_catalogues as c; c()"
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pipeline.support.site_words import WORDS, fields
from pipeline.syndication.theme.i18n import LOCALES, Words, compiled
from pipeline.syndication.theme.templates import SHIPPED
from tests.conftest import REPO
from tests.site.conftest import XHTML, attrs, build, find, parse, text_of

LANGUAGES = ("de", "es", "fr", "nl", "pt")


def test_every_language_is_shipped_compiled_and_up_to_date() -> None:
    found = sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/site.po"))
    assert found == sorted(LANGUAGES)
    for lang in LANGUAGES:
        po = LOCALES / lang / "LC_MESSAGES/site.po"
        assert po.with_suffix(".mo").read_bytes() == compiled(po), f"{lang}: recompile"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_is_translated_with_the_same_fields(lang: str) -> None:
    with (LOCALES / lang / "LC_MESSAGES/site.po").open("rb") as f:
        catalogue = read_po(f)
    translated = {m.id: m.string for m in catalogue if m.id}
    assert set(translated) == set(WORDS)
    for word, text in translated.items():
        assert (text and text != word) or word in (
            "Menu",
            "Site",
            "Tags",
            "Pages",
            "Transcript",
            "page {number}",
        )
        assert fields(text) == fields(word), (lang, word)


def test_every_word_the_templates_use_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for path in [*SHIPPED.glob("*.j2"), SHIPPED.parent.parent / "build/themeplan.py"]:
        text = path.read_text(encoding="utf-8")
        used.update(m.group(2) for m in re.finditer(r"""(?:\b_|words)\((["'])(.+?)\1""", text))
    assert used, "no words found: the pattern no longer matches the templates"
    assert used - set(WORDS) == set()


def test_a_region_falls_back_to_its_language_and_an_unknown_one_to_english() -> None:
    assert Words("de-AT", {})("Previous") == "Zurück"
    assert Words("pt_BR", {})("Page {number} of {count}", number=2, count=5) == "Página 2 de 5"
    assert Words("tlh", {})("Previous") == "Previous"
    assert Words("fr", {"Previous": "Avant"})("Previous") == "Avant"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    text = (REPO / "publish.toml").read_text(encoding="utf-8")
    (tmp_path / "publish.toml").write_text(
        text.replace('language = "en"', 'language = "de"', 1), encoding="utf-8"
    )
    return tmp_path


def test_a_german_site_shows_german_words(tree: Path) -> None:
    result = build(tree, tree / "out")
    assert result.exit_code == 0, result.output
    out = tree / "out"
    page = parse(out / "essays/why-we-gather/index.html")
    assert page.get("lang") == "de"  # type: ignore[attr-defined]
    assert text_of(find(page, "button", "menu-button")[0]) == "Menü"
    assert text_of(find(page, "a", "skip")[0]) == "Zum Inhalt springen"
    nav = find(page, "nav", "prev-next")[0]
    spans = [text_of(s) for s in nav.iter(XHTML + "span")]  # type: ignore[attr-defined]
    assert set(spans) <= {"Zurück", "Weiter"} and spans
    assert attrs(page, "nav", aria_label="Brotkrümelnavigation")
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Neueste Beiträge" in home and "Feeds von " in home
    assert "Previous" not in home and "Latest" not in home
    assert "Seite nicht gefunden" in (out / "404.html").read_text(encoding="utf-8")
    assert "Archiv" in (out / "archive/index.html").read_text(encoding="utf-8")


def test_a_site_can_change_a_word(tree: Path) -> None:
    with (tree / "publish.toml").open("a", encoding="utf-8") as f:
        f.write('\n[theme.words]\n"Next" = "Danach"\n"Menu" = "Inhalt"\n')
    result = build(tree, tree / "out")
    assert result.exit_code == 0, result.output
    page = (tree / "out/essays/why-we-gather/index.html").read_text(encoding="utf-8")
    assert "<span>Danach</span>" in page and "<span>Weiter</span>" not in page
    assert ">Inhalt</button>" in page and "Zum Inhalt springen" in page


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('"Previus" = "Zurück"', "unknown word 'Previus'"),
        ('"Previous" = "{count} zurück"', "'Previous': only these fields can be filled in: none"),
        ('"Feeds of {site}" = "Feeds {"', "'Feeds of {site}': a brace that is no field"),
        ('"Next" = 3', "theme.words: expected a table of strings"),
    ],
)
def test_a_bad_word_is_a_config_error_at_its_line(tree: Path, entry: str, message: str) -> None:
    old = (tree / "publish.toml").read_text(encoding="utf-8")
    (tree / "publish.toml").write_text(old + f"\n[theme.words]\n{entry}\n", encoding="utf-8")
    line = len(old.splitlines()) + 3 if "table" not in message else len(old.splitlines()) + 2
    result = build(tree, tree / "out")
    assert result.exit_code == 3, result.output
    assert f"publish.toml:{line}: " in result.output and message in result.output
    assert not (tree / "out").exists()
