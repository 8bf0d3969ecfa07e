"""Rendering link results: text grouped by file, JSON, Markdown (step summary), GitHub annotations.

Every renderer returns one string for stdout. ``prefix`` is prepended to each source path where
a tool needs paths relative to the repository (GitHub annotations), e.g. ``content/``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby

from pipeline.linkcheck.results import BROKEN, OK, UNVERIFIABLE, LinkResult, Status
from pipeline.support.secrets import redact
from pipeline.support.text import counted

FORMATS = ("text", "json", "markdown", "github")


def counts(results: Sequence[LinkResult]) -> dict[Status, int]:
    out = {OK: 0, BROKEN: 0, UNVERIFIABLE: 0}
    for r in results:
        out[r.status] += 1
    return out


def summary(results: Sequence[LinkResult], seconds: float, requests: int) -> str:
    """The one line that ends every run (stderr)."""
    c = counts(results)
    return (
        f"Checked {counted(len(results), 'link')} ({counted(requests, 'request')}): "
        f"{c[BROKEN]} broken, "
        f"{c[UNVERIFIABLE]} unverifiable, {c[OK]} ok in {seconds:.1f} s"
    )


def _problems(results: Sequence[LinkResult]) -> list[LinkResult]:
    order = {BROKEN: 0, UNVERIFIABLE: 1, OK: 2}
    bad = [r for r in results if r.status != OK]
    return sorted(bad, key=lambda r: (r.source, r.line, order[r.status], r.url))


def render_text(results: Sequence[LinkResult], prefix: str = "") -> str:
    """Broken and unverifiable links grouped by file, each with its line and reason."""
    lines: list[str] = []
    for source, group in groupby(_problems(results), key=lambda r: r.source):
        lines.append(f"{prefix}{source}")
        for r in group:
            lines.append(f"  {r.line}: {r.status}: {r.url}")
            lines.append(f"      {r.reason}")
            if r.suggestion:
                lines.append(f"      suggestion: {r.suggestion}")
    c = counts(results)
    lines.append(
        f"{counted(len(results), 'link')}: {c[OK]} ok, {c[BROKEN]} broken, "
        f"{c[UNVERIFIABLE]} unverifiable"
    )
    return redact("\n".join(lines)) + "\n"


def render_json(results: Sequence[LinkResult], prefix: str = "") -> str:
    """One JSON document: a list with an object per link (all outcomes), one per line."""
    rows = [
        {
            "url": r.url,
            "source": f"{prefix}{r.where}",
            "text": r.text,
            "kind": r.kind,
            "status": r.status,
            "reason": r.reason,
            "suggestion": r.suggestion or None,
        }
        for r in sorted(results, key=lambda r: (r.source, r.line, r.url))
    ]
    lines = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in rows)
    return redact(f"[\n{lines}\n]" if rows else "[]") + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(results: Sequence[LinkResult], prefix: str = "") -> str:
    """A summary and a table of problems, for ``$GITHUB_STEP_SUMMARY``."""
    c = counts(results)
    out = [
        "## Link check",
        "",
        f"{counted(len(results), 'link')}: **{c[BROKEN]} broken**, {c[UNVERIFIABLE]} unverifiable, "
        f"{c[OK]} ok.",
    ]
    problems = _problems(results)
    if problems:
        out += [
            "",
            "| Status | Source | URL | Reason | Suggestion |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in problems:
            cells = [r.status, f"`{prefix}{r.where}`", r.url, r.reason, r.suggestion]
            out.append("| " + " | ".join(_md_cell(x) for x in cells) + " |")
    return redact("\n".join(out)) + "\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(results: Sequence[LinkResult], prefix: str = "") -> str:
    """``::error`` for broken links, ``::warning`` for unverifiable ones."""
    out = []
    for r in _problems(results):
        level = "error" if r.status == BROKEN else "warning"
        message = f"{r.status} link {r.url}: {r.reason}"
        if r.suggestion:
            message += f" ({r.suggestion})"
        file = _gh_escape(f"{prefix}{r.source}", prop=True)
        out.append(f"::{level} file={file},line={r.line}::{_gh_escape(message)}")
    return redact("\n".join(out)) + ("\n" if out else "")


def render(results: Sequence[LinkResult], fmt: str, prefix: str = "") -> str:
    renderers = {
        "text": render_text,
        "json": render_json,
        "markdown": render_markdown,
        "github": render_github,
    }
    return renderers[fmt](results, prefix)
