"""Heading ids. The renderer and the link checker share this one function, so an anchor
that the checker accepts is an id the renderer wrote."""

from __future__ import annotations

import functools
import re
import unicodedata

_KEEP = {"Ll", "Lu", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc"}


def _slug_char(ch: str) -> str:
    return "-" if ch == " " else ch if ch == "-" or unicodedata.category(ch) in _KEEP else ""


_ASCII_SLUG = {i: _slug_char(chr(i)) for i in range(128)}
"""The rule for every ASCII character, so an ASCII heading (most are) is one ``translate``."""


def github_slug(text: str) -> str:
    """GitHub's rule: lower case, punctuation dropped, each space a hyphen."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    if text.isascii():
        return text.translate(_ASCII_SLUG)
    return "".join(map(_slug_char, text))


def gitbook_slug(text: str) -> str:
    """GitBook's rule, as the links its editor writes name headings: lower case; letters,
    digits, ``_``, ``-`` and ``.`` kept (``Release 4.5`` is ``release-4.5``, ``gcache.size``
    stays); each space, ``/`` and bracket a hyphen (``User(s)`` is ``user-s``); ``&`` is
    ``and`` and ``|`` is ``or`` (``DDD & CQRS`` is ``ddd-and-cqrs``); other punctuation and
    an emoji's variation selector dropped; runs of hyphens collapsed and the ends trimmed;
    ``id-`` before an id that starts with a digit (``5. Set up`` is ``id-5.-set-up``);
    Latin letters without their accents (``Añadir`` is ``anadir``), Cyrillic in Latin letters
    (:data:`_CYRILLIC`), Chinese in pinyin (:func:`_pinyin`), Korean dropped; a dot that ends
    it dropped; ``undefined`` for a heading with nothing left (as GitBook's links name them:
    ``5. 테스트`` is ``id-5``, ``실습 개요`` ``undefined``)."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    if text.isascii():
        return _heading_end(_finished(text.translate(_ASCII_HEADING)))
    text = text.translate(_CYRILLIC)
    if _HAN.search(text):
        text = _HAN.sub(_pinyin, text)
    return _heading_end(_finished("".join(map(_heading_char, text))))


def _heading_end(slug: str) -> str:
    """A heading's id without a dot that ends it (and the hyphen before it); ``undefined``
    when nothing is left."""
    if slug.endswith("."):
        slug = _finished(slug.rstrip(".").rstrip("-"))
    return slug or "undefined"


_CYRILLIC = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфцыэіґў", "abvgdeziiklmnoprstufcyeigu", strict=True)),
        **{"ё": "yo", "ж": "zh", "х": "kh", "ч": "ch", "ш": "sh", "щ": "sh", "ю": "yu"},
        **{"я": "ya", "є": "ye", "ї": "yi", "ъ": "", "ь": ""},
    }
)
"""Cyrillic (lower case) as GitBook's ids spell it: ``## Как добавить / изменить эмодзи?`` is
``#kak-dobavit-izmenit-emodzi`` and ``## Обратная связь`` ``#obratnaya-svyaz``, as GitBook
commits of lordbot's handbook wrote them with their links (``й`` i, ``х`` kh, ``ц`` c, ``щ``
sh, ``ь`` dropped)."""
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
"""A run of Chinese characters (CJK ideographs)."""


def _pinyin(run: re.Match[str]) -> str:
    """A run of Chinese characters as GitBook's ids spell it: their pinyin without tones,
    a hyphen between syllables and around the run (``## 2 引用与归属`` is
    ``#id-2-yin-yong-yu-gui-shu``, as dify's handbook links it). pypinyin reads a character
    by its phrase; GitBook's reading of a character with several differs now and then."""
    from pypinyin import lazy_pinyin  # (only a heading in Chinese loads its dictionary)

    return " " + "-".join(lazy_pinyin(run.group())) + " "


def gitbook_page_slug(text: str) -> str:
    """GitBook's rule for a page's path from its title in the table of contents: as a
    heading's (:func:`gitbook_slug`) but ``&`` and ``|`` dropped (a space's redirect from
    its old path names ``Undo & Changes History`` ``undo-changes-history``)."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    kept = text.translate(_ASCII_GITBOOK) if text.isascii() else "".join(map(_gitbook_char, text))
    return _finished(kept)


def _finished(kept: str) -> str:
    slug = _SEPARATORS.sub("-", kept).strip("-")
    return f"id-{slug}" if slug[:1].isdigit() else slug


_WORDS = {"&": "and", "|": "or", "<": "less-than", ">": "greater-than"}
"""What GitBook's heading ids spell out (its editor's links: ``#ddd-and-cqrs`` for ``### DDD
& CQRS``, ``#mobile-badge-or-scheduled-for-march-2025`` for ``### Mobile Badge | Scheduled for
March 2025``, ``#…-scores-greater-than-x`` for ``## … Scores > X``, written by one GitBook
commit of Airstack's docs), as the slugify charmap spells them: ``R&D`` is ``randd``."""


def _heading_char(ch: str) -> str:
    if "\uac00" <= ch <= "\ud7af" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f":
        return ""  # Korean (GitBook's ids drop it: "1. AWS Config 규칙 생성" is id-1.-aws-config)
    return _WORDS.get(ch) or _gitbook_char(ch)


@functools.lru_cache(maxsize=4096)
def _gitbook_char(ch: str) -> str:
    if ch in " /()":  # "User(s)" is GitBook's user-s, as its editor's links name it
        return "-"
    if ch in _VARIATION:  # an emoji's presentation selector, a keycap's frame ("1️⃣" is 1)
        return ""
    if "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":  # Latin with marks
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        if plain.isascii():  # "Añadir" is anadir, "Einführung" einfuhrung, "Ĳssel" ijssel
            return "".join(c for c in plain if c.isalnum())
    return ch if ch in "-." or unicodedata.category(ch) in _KEEP else ""


_VARIATION = "\ufe0e\ufe0f\u20e3"


_ASCII_GITBOOK = {i: _gitbook_char(chr(i)) for i in range(128)}
"""GitBook's rule for every ASCII character (a table of contents' 10,000 titles, one
``translate`` each)."""
_ASCII_HEADING = {i: _heading_char(chr(i)) for i in range(128)}


_SEPARATORS = re.compile(r"-{2,}")


STYLES = {"github": github_slug, "gitbook": gitbook_slug, "auto": github_slug}
"""``auto`` is decided with the content folder before anything renders (GitBook's in a GitBook
space); a caller that never decided it (a library call without the CLI) gets GitHub's."""


class Slugger:
    """Gives unique ids within one document: repeats get ``-1``, ``-2`` as on GitHub."""

    def __init__(self, style: str = "github") -> None:
        self._slug = STYLES[style]
        self._seen: dict[str, int] = {}

    def reserve(self, explicit: str) -> None:
        self._seen.setdefault(explicit, 0)

    def __call__(self, text: str) -> str:
        base = self._slug(text) or "section"
        slug = base
        n = self._seen.get(base)
        if n is not None:
            while True:
                n += 1
                slug = f"{base}-{n}"
                if slug not in self._seen:
                    break
            self._seen[base] = n
        self._seen[slug] = 0
        return slug


_FOOTNOTE = re.compile(r"user-content-(fnref|fn)-[^#]*")
"""A footnote's id as GitHub and GitBook show it (``#user-content-fn-1``): GitBook's editor
links footnotes so."""


def written_id(fragment: str) -> str:
    """The id a link's ``fragment`` names on our pages: a footnote's GitHub/GitBook spelling
    (``user-content-fn-1``) is the id cmark-gfm writes (``fn-1``); any other as it is."""
    if fragment.startswith("user-content-f") and _FOOTNOTE.fullmatch(fragment):
        return fragment.removeprefix("user-content-")
    return fragment
