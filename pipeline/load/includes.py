"""GitBook's reusable content: ``{% include "../.gitbook/includes/notice.md" %}`` on a line of
its own stands for the body of the file it names (GitBook Git Sync writes each block of
reusable content as such a file, with a ``title`` in its front matter).

The load reads each file a page includes and keeps its body with the page's item
(:attr:`pipeline.model.Item.includes`); the renderer puts the file's HTML where the tag stood,
its links resolved from the file's own folder (as GitBook does) and its problems reported at
its own ``path:line``. Read here, the files are what the item depends on: the load cache and
the snapshot take the page again when one of them changes.

A file outside the content folder, one that cannot be read, or more than
:data:`MAX_PER_PAGE` of them leave the block out with a warning at the tag's line. Included
files are included one level deep: a tag inside one is not followed (a warning at its line),
so a page's size is bounded by its tags times the file limit.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import Problem
from pipeline.load.frontmatter import FrontMatterError, split
from pipeline.load.walk import read_text
from pipeline.model import Include
from pipeline.render.includes import MAX_PER_PAGE, tags, target_path


def read_includes(
    root: Path, source: str, body: str, body_line: int, max_bytes: int
) -> tuple[tuple[Include, ...], list[Problem]]:
    """The files ``body`` (of ``source``, starting at ``body_line``) includes, each read once,
    and a warning for each tag whose file is left out."""
    found: dict[str, Include] = {}
    warnings: list[Problem] = []
    for count, (n, target) in enumerate(tags(body), 1):
        line = body_line + n

        def warn(why: str, line: int = line, target: str = target) -> None:
            message = f"{target!r} {why}; the block is left out"
            warnings.append(Problem(source, line, "include", message))

        if count > MAX_PER_PAGE:
            warn(f"is over the {MAX_PER_PAGE} includes a page may have")
            continue
        path = target_path(source, target)
        if path is None and "://" in target:  # another space's reusable content, on GitBook
            warn("is reusable content kept in GitBook, not a file of this repository")
            continue
        if path is None:
            warn("is not a file of the content folder")
            continue
        if path in found:
            continue
        try:
            _, text = read_text(root, root / path, max_bytes, empty_ok=True)
            parsed = split(text)
        except FrontMatterError as exc:
            warn(f"cannot be read: {path}:{exc.line}: {exc.message}")
            continue
        except OSError as exc:
            warn(f"cannot be read: {exc.strerror or exc}")
            continue
        found[path] = (path, parsed.body, parsed.body_line)
        for m, nested in tags(parsed.body):
            why = "is in an included file: not followed (one level of includes)"
            message = f"{nested!r} {why}; the block is left out"
            warnings.append(Problem(path, parsed.body_line + m, "include", message))
    return tuple(found.values()), warnings
