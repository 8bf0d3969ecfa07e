"""JSON Feed entries: the HTML escaped with byte replacements must be exactly what json's
own encoder writes, or the same item would spell differently in two builds' files."""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.syndication.jsonfeed import json_text

_TRICKY = st.sampled_from(
    [
        '"',
        "\\",
        "\n",
        "\t",
        "\r",
        "\b",
        "\f",
        "\x00",
        "\x1f",
        "\x7f",
        "é",
        "\u2028",
        "😀",
        "</script>",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_TRICKY, st.text()), max_size=40).map("".join))
@example('<a href="https://x.org/?a=1&b=\\2">q\t"t"</a>\r\n')
@example("")
def test_json_text_is_what_json_dumps_writes(text: str) -> None:
    assert json_text(text) == json.dumps(text, ensure_ascii=False).encode()
    assert json.loads(json_text(text)) == text
