"""The site's own words in ``[site] language``: gettext catalogues read with Babel.

The catalogues ship in the package, ``templates/site/locale/<lang>/LC_MESSAGES/site.po``
(edited by translators) and ``site.mo`` (compiled from it by :func:`compile_catalogues`; a
test fails when one is stale). English is the message ids themselves. A region falls back to
its language (``de-AT`` reads ``de``), an unknown language to English. ``[theme] words``
replaces any word for one site. Templates call ``_("Page {number} of {count}", number=2,
count=5)``: the word is translated first, its ``{fields}`` filled in after.

To add a language: copy a ``site.po``, translate it, and run
``python -c "from pipeline.syndication.theme.i18n import compile_catalogues as c; c()"``.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Mapping
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from pipeline.syndication.theme.templates import SHIPPED

LOCALES = SHIPPED / "locale"
DOMAIN = "site"


@functools.lru_cache(maxsize=8)
def catalogue(language: str) -> gettext.NullTranslations:
    """The shipped catalogue for ``language`` (``de``, ``pt-BR``), or English."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return gettext.NullTranslations()
    found = Translations.load(str(LOCALES), [locale], DOMAIN)
    return found if isinstance(found, gettext.NullTranslations) else gettext.NullTranslations()


class Words:
    """``_`` of the templates: a word in the site's language, its fields filled in."""

    def __init__(self, language: str, overrides: Mapping[str, str]) -> None:
        self.catalogue = catalogue(language)
        self.overrides = dict(overrides)

    def __call__(self, word: str, **values: object) -> str:
        text = self.overrides.get(word) or self.catalogue.gettext(word)
        return text.format(**values) if values else text


def compiled(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file."""
    with po.open("rb") as f:
        messages = read_po(f, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, messages)
    return out.getvalue()


def compile_catalogues(root: Path = LOCALES) -> list[Path]:
    """Write each ``site.mo`` next to its ``site.po``; return the files written."""
    written = []
    for po in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compiled(po))
        written.append(mo)
    return written
