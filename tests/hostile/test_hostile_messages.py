"""Front-matter messages at the right line, in our words: what the parser said at line 1 "(at
end of document)", or in its own grammar ("found unhashable key", "found character that cannot
start any token"), or with Python's repr of a timedelta, now names the line and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.sites import assert_clean_outcome, make_site, run_build


@pytest.mark.parametrize(
    ("text", "expected", "not_said"),
    [
        (
            "+++\ntitle = 'a'\ndate = 2024-05-01\ntitle = 'b'\n+++\nx\n",
            "a.md:4: front matter: TOML syntax error: 'title' is set twice (first set on "
            "line 2); a key may be set once",
            "end of document",
        ),
        (
            "+++\ntitle = 'a'\ndate = 2024-05-01\nx = \n+++\nx\n",
            "a.md:4: front matter: TOML syntax error: ",  # then tomllib's words
            "end of document",
        ),
        (
            "+++\ntitle = 'a'\ndate = 2024-05-01\nx = = 1\n+++\nx\n",
            "a.md:4: front matter: TOML syntax error: … (column 5)",  # tomllib's words between
            "(at line",
        ),
        (
            "+++\ntitle = 'a'\ndate = 2024-05-01\n\n\nx = "
            + "[" * 2000
            + "]" * 2000
            + "\n+++\nx\n",
            "a.md:6: front matter: TOML nested more than 100 levels deep",
            "too deeply",
        ),
        (
            "---\ntitle: a\ndate: 2024-05-01\n? [a, b]\n: x\n---\nx\n",
            "a.md:4: front matter: keys must be text, got a list or a map as a key",
            "unhashable",
        ),
        (
            "---\ntitle: a\ndate: 2024-05-01\nx:\n\t- a\n---\nx\n",
            "a.md:5: front matter: YAML syntax error: a tab indents this line; YAML indents "
            "with spaces only",
            "cannot start any token",
        ),
        (
            "---\ntitle: a\ndate: 2024-05-01T10:00:00+99:00\n---\nx\n",
            "a.md:3: date: cannot read '2024-05-01T10:00:00+99:00': the time zone offset must "
            "be within ±24:00",
            "timedelta",
        ),
    ],
    ids=[
        "toml-key-twice",
        "toml-value-missing-last",
        "toml-mid-block",
        "toml-deep-array",
        "yaml-complex-key",
        "yaml-tab",
        "offset-99",
    ],
)
def test_front_matter_messages_name_the_line_and_the_fix(
    tmp_path: Path, text: str, expected: str, not_said: str
) -> None:
    make_site(tmp_path, {"essays/a.md": text})
    run = run_build(tmp_path)
    assert_clean_outcome(run)
    assert run.exit_code == 2
    assert len(run.problems) == 1, run.stderr
    head, _, tail = expected.partition("…")  # … stands for another library's words
    message = run.problems[0]
    assert head in message and tail in message[message.find(head) + len(head) :], message
    assert not_said not in run.stderr
