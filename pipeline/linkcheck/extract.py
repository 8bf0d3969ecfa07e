"""Every link of every Markdown file (and of the files pages include), with its line, and every
anchor a page offers: what the link checker checks. Files that do not parse are skipped here;
``publish validate`` reports them. Large trees are read on both cores."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.config import Config
from pipeline.load.includes import read_includes
from pipeline.load.walk import iter_markdown, read_doc, relpath
from pipeline.model import SourceDoc
from pipeline.render.markdown import scan
from pipeline.support.parallel import PARALLEL_THRESHOLD
from pipeline.support.workers import process_pool


def _scan_one(args: tuple[Path, Path, int, str]) -> list[SourceDoc]:
    """A file's links and anchors (those of the files it includes among its anchors), then
    each file it includes as one of its own (its links, from its own folder)."""
    content_dir, path, max_bytes, slug_style = args
    try:
        doc = read_doc(content_dir, path, max_bytes)
    except Exception:  # any unreadable file is reported by validation, not by the link scan
        return [SourceDoc(relpath(content_dir, path), (), frozenset())]
    body, line = doc.parsed.body, doc.parsed.body_line
    found = (
        read_includes(content_dir, doc.source, body, line, max_bytes)[0]
        if "include" in body
        else ()
    )
    included = {path: (text, start) for path, text, start in found}
    docs = [scan(body, doc.source, slug_style=slug_style, line_offset=line - 1, includes=included)]
    for rel, text, start in found:
        docs.append(scan(text, rel, slug_style=slug_style, line_offset=start - 1))
    return docs


def scan_sources(config: Config, content_dir: Path) -> list[SourceDoc]:
    """Every Markdown file's links (with lines) and anchors, for the link checker.

    Files that do not parse are skipped here; ``publish validate`` reports them. Large trees
    are parsed on both cores.
    """
    jobs = [
        (content_dir, path, config.content.max_file_bytes, config.content.slug_style)
        for path in iter_markdown(content_dir, config)
    ]
    workers = min(2, os.cpu_count() or 1)
    if len(jobs) >= PARALLEL_THRESHOLD and workers > 1:
        with process_pool(workers) as pool:
            scanned = list(pool.map(_scan_one, jobs, chunksize=64))
    else:
        scanned = [_scan_one(job) for job in jobs]
    docs: dict[str, SourceDoc] = {}
    for found in scanned:  # a file several pages include is scanned once
        for doc in found:
            docs.setdefault(doc.source, doc)
    return list(docs.values())
