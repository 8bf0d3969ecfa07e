"""Property tests: any front matter and body give a clear error or well-formed outputs.

Inputs mix arbitrary Unicode (surrogates excluded: files are UTF-8) with fragments that break
naive writers: ``]]>``, ``<script>``, GitBook's ``{% %}``, YAML indicators, control characters,
BOMs and CR line ends. The outcome is either exit 0 with every feed parseable (and the title
surviving, modulo the documented hygiene) or exit 2 with ``path:line: field: message`` lines.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import feedparser
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from pipeline.support.text import clean
from tests.hostile.sites import assert_clean_outcome, check_outputs, make_site, run_build

HOSTILE_FRAGMENTS = [
    "]]>",
    "<![CDATA[",
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "&amp;",
    "&#0;",
    "&",
    '{% hint style="info" %}',
    "{% endhint %}",
    "{% raw %}",
    "{{ x }}",
    "---",
    "...",
    ": ",
    "- ",
    "# ",
    "!!python/object:os.system",
    "*a",
    "&a ",
    "? ",
    "|",
    ">",
    "'",
    '"',
    "\x00",
    "\x01",
    "\x0b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\r\n",
    "\r",
    "\t",
    "\n",
    "e\u0301",
    "\U0001f600",
    "\u202e",
    "[x](../../etc/passwd)",
    "](",
    "<!--",
]

TEXT = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_FRAGMENTS),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    ),
    max_size=8,
).map("".join)

SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "50")),
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def expected_title(title: str) -> str:
    """The documented hygiene: NFC, XML-illegal and C1 controls gone, whitespace collapsed
    (in that order: ``str.split`` counts U+001C-U+001F as blanks; they are dropped first)."""
    return " ".join(_XML_ILLEGAL.sub("", unicodedata.normalize("NFC", title)).split())


def _as_feedparser_reads(text: str) -> set[str]:
    """``text``, and feedparser's repair of it when it looks like UTF-8 read as Latin-1
    ("Â¡" comes back as "¡": the feed's bytes are right, the client second-guesses them)."""
    try:
        return {text, text.encode("latin-1").decode("utf-8")}
    except (UnicodeEncodeError, UnicodeDecodeError):
        return {text}


def _dump(meta: dict[str, Any]) -> str:
    return yaml.safe_dump(meta, allow_unicode=True, width=10**9, sort_keys=False)


@SETTINGS
@given(
    title=TEXT,
    tags=st.lists(TEXT, max_size=4),
    description=st.one_of(st.none(), TEXT),
    body=TEXT,
    extra=st.dictionaries(
        TEXT.map(lambda k: "x-" + k), st.one_of(TEXT, st.integers(), st.booleans()), max_size=3
    ),
)
@example(title="]]>\x85]]>", tags=[], description=None, body="]]>", extra={})  # NEL: a YAML break
def test_structured_front_matter_builds_well_formed_feeds(
    title: str, tags: list[str], description: str | None, body: str, extra: dict[str, Any]
) -> None:
    meta: dict[str, Any] = {"title": title, "date": "2024-05-01", "tags": tags}
    if description is not None:
        meta["description"] = description
    meta.update(extra)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, {"essays/post.md": f"---\n{_dump(meta)}---\n{body}"})
        run = run_build(root)
        assert_clean_outcome(run)
        if run.exit_code == 2:
            # only an empty title, a blank tag or an empty essay may be refused: the rest is
            # valid
            for line in run.problems:
                if ": tags: " in line:
                    assert any(not clean(tag).strip() for tag in tags), line
                elif ": title: " in line:
                    # empty once the characters no output may carry are dropped
                    assert not " ".join(clean(title).split()), line
                elif ": file: binary file" in line:
                    assert "\x00" in body, line
                else:
                    assert ": body: empty" in line, line
            return
        outputs = check_outputs(root / "out")
        # the title as YAML reads the file (YAML folds its own line breaks, NEL and U+2028
        # among them, into spaces), then the documented hygiene
        want = expected_title(yaml.safe_load(_dump(meta))["title"])
        feed = json.loads(outputs["feed.json"])
        assert feed["items"][0]["title"] == want
        for name in ("rss.xml", "atom.xml", "essays/rss.xml", "essays/atom.xml"):
            entries = feedparser.parse(outputs[name]).entries
            assert len(entries) == 1, name
            if name.endswith("rss.xml") and ("<" in want or "&" in want):
                continue  # RSS titles are ambiguous (readers may take them as HTML); Atom is not
            assert entries[0].title.strip() in _as_feedparser_reads(want.strip()), name


@SETTINGS
@given(
    title=TEXT,
    key=TEXT,
    value=TEXT,
    body=TEXT,
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
)
def test_raw_front_matter_text_never_crashes(
    title: str, key: str, value: str, body: str, newline: str, bom: bool
) -> None:
    lines = ["---", f"title: {title}", "date: 2024-05-01", f"{key}: {value}", "---", body]
    text = ("\ufeff" if bom else "") + newline.join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, {"updates/raw.md": text.encode("utf-8", "surrogatepass")})
        run = run_build(root)
        assert_clean_outcome(run)
        if run.exit_code == 0:
            check_outputs(root / "out")
        else:
            assert all(
                line.startswith(("content/updates/raw.md:", str(root))) for line in run.problems
            ), run.stderr


@SETTINGS
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, {"essays/bytes.md": data, "essays/fine.md": _fine()})
        run = run_build(root)
        assert_clean_outcome(run)
        if run.exit_code == 0:
            check_outputs(root / "out")


def _fine() -> str:
    return "---\ntitle: Fine\ndate: 2024-05-01\n---\nText.\n"


def test_c1_controls_do_not_turn_into_other_characters(tmp_path: Path) -> None:
    """Readers take U+0080-U+009F as cp1252 (U+0080 shows a euro sign): they are dropped."""
    make_site(tmp_path, {"essays/c1.md": '---\ntitle: "a\\x80b\\x9fc"\ndate: 2024-05-01\n---\nx\n'})
    assert run_build(tmp_path).exit_code == 0
    for name in ("rss.xml", "atom.xml"):
        title = feedparser.parse((tmp_path / "out" / name).read_bytes()).entries[0].title
        assert title in ("abc", "a b c"), (name, title)
