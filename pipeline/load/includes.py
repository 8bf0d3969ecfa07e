"""GitBook's reusable content: ``{% include "../.gitbook/includes/notice.md" %}`` on a line of
its own stands for the body of the file it names (GitBook Git Sync writes each block of
reusable content as such a file, with a ``title`` in its front matter).

The load reads each file a page includes and keeps its body with the page's item
(:attr:`pipeline.model.Item.includes`); the renderer puts the file's HTML where the tag stood,
its links resolved from the file's own folder (as GitBook does) and its problems reported at
its own ``path:line``. Read here, the files are what the item depends on: the load cache and
the snapshot take the page again when one of them changes.

A file outside the content folder (a linked folder too), one that cannot be read, and tags past
100 or past 2,000,000 characters of included text on a page (see
:func:`pipeline.render.includes.expanded`) leave the block out with a warning at the tag's
line. Included
files are included one level deep: a tag inside one is not followed (a warning at its line),
so a page's size is bounded by its tags times the file limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Problem
from pipeline.load.frontmatter import FrontMatterError, split
from pipeline.load.walk import read_text
from pipeline.model import Include, Item
from pipeline.render.includes import expanded, tags
from pipeline.support.paths import LinkedOut, OutsideRoot, resolve_inside


def read_includes(
    root: Path, source: str, body: str, body_line: int, max_bytes: int
) -> tuple[tuple[Include, ...], list[Problem]]:
    """The files ``body`` (of ``source``, starting at ``body_line``) includes, each read once,
    and a warning for each tag left out (see :func:`pipeline.render.includes.expanded`)."""
    files = _Files(root, max_bytes)
    for n, target, path, why in expanded(body, source, files.size_of):
        if not why and path is not None and path in files.failed:
            why = files.failed[path]
        if why:
            message = f"{target!r} {why}; the block is left out"
            files.warnings.append(Problem(source, body_line + n, "include", message))
    return tuple(files.found.values()), files.warnings


@dataclass
class _Files:
    """The files one page includes, read when first asked for."""

    root: Path
    max_bytes: int
    found: dict[str, Include] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    """Path -> why it cannot be included."""
    warnings: list[Problem] = field(default_factory=list)

    def size_of(self, path: str) -> int | None:
        if path not in self.found and path not in self.failed:
            self._read(path)
        return len(self.found[path][1]) if path in self.found else None

    def _read(self, path: str) -> None:
        try:
            _, full = resolve_inside(self.root, "", path)
        except OutsideRoot as exc:  # %2e%2e/ spelt, or through a linked folder
            how = " (through a symbolic link)" if isinstance(exc, LinkedOut) else ""
            self.failed[path] = f"is outside the content folder{how}"
            return
        if full.exists() and not full.is_file():  # a folder, a pipe, a device: never read
            self.failed[path] = "is not a file"
            return
        try:
            _, text = read_text(self.root, full, self.max_bytes, empty_ok=True)
            parsed = split(text)
        except FrontMatterError as exc:
            self.failed[path] = f"cannot be read: {path}:{exc.line}: {exc.message}"
            return
        except OSError as exc:
            self.failed[path] = f"cannot be read: {exc.strerror or exc}"
            return
        self.found[path] = (path, parsed.body, parsed.body_line)
        for m, nested in tags(parsed.body):
            why = "is in an included file: not followed (one level of includes)"
            message = f"{nested!r} {why}; the block is left out"
            self.warnings.append(Problem(path, parsed.body_line + m, "include", message))


class SharedIncludes:
    """One copy of each included file's text for every item that includes it: read (or
    unpickled) once per page, 10,000 pages including one 1 MB file held 10,000 copies."""

    def __init__(self) -> None:
        self.seen: dict[Include, Include] = {}

    def __call__(self, item: Item) -> Item:
        if not item.includes:
            return item
        return item.evolve(includes=tuple(self.seen.setdefault(i, i) for i in item.includes))
