"""Checking links that stay inside the content tree, without touching the network.

Relative links to files and folders (a folder serves its ``README.md`` or ``index.md``), images,
``.gitbook/assets``, same-page and cross-page ``#anchors`` (the anchor ids come from the
renderer's own slug function, through :class:`~pipeline.model.SourceDoc`; in a local HTML file,
the ids a browser finds in it), and the site's own absolute URLs, which are mapped to content
files by permalink or by ``[content] redirects``.

File names are compared the way a case-sensitive web host serves them: each path component
must match a directory entry exactly; when only case or Unicode normalisation (NFC/NFD)
differs, the message says so (a file the build copies under the link's name works: a note).
Nothing outside the content root is ever looked at; in a GitBook space ``..`` stop at it.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.linkcheck import hints, sitepaths
from pipeline.linkcheck.anchors import Anchors
from pipeline.linkcheck.htmlids import html_anchor
from pipeline.linkcheck.results import BROKEN, OK, Outcome
from pipeline.linkcheck.sitepaths import REMOTE, SITE, classify
from pipeline.model import LinkRef, SourceDoc
from pipeline.render.links import folder_page
from pipeline.support.paths import (
    OutsideRoot,
    climbs_past,
    joined_inside,
    link_path,
    resolve_inside,
    walk,
)
from pipeline.support.text import nfc

FOLDER_INDEXES = ("README.md", "index.md")


_AS_LINK = str.maketrans({"%": "%25", "#": "%23", "?": "%3F"})
"""A file's path as a link names it: the characters that would end or change its path
escaped (``what?.md`` is linked as ``what%3F.md``)."""


@dataclass(frozen=True)
class _Found:
    """Result of looking a content-relative path up on disk, component by component."""

    rel: str | None
    """The path as it exists on disk (None when not found)."""
    problem: str = ""
    near: str = ""
    """For a case/normalisation mismatch, the name that does exist."""


SUGGEST_BUDGET = 20_000
"""Comparisons a run's "did you mean" suggestions may make in all (see
:meth:`LocalChecker._close`): a second or so; a site with a few broken links gets every one."""


class LocalChecker:
    """Checks :class:`LinkRef` records that resolve inside ``root``; one instance per run."""

    def __init__(
        self,
        root: Path,
        docs: Iterable[SourceDoc],
        *,
        base_url: str = "",
        permalinks: Mapping[str, str] | None = None,
        redirects: Mapping[str, str] | None = None,
        unpublished: Collection[str] = (),
        generated: Callable[[], Collection[str]] = tuple,
        toc: str = "SUMMARY.md",
        html_anchors: bool = False,
        clamp: bool = False,
    ) -> None:
        self.root = root
        self.clamp = clamp
        """A GitBook space: ``..`` past the root stop at it, as GitBook resolves them (see
        :func:`~pipeline.support.paths.joined_inside`); nothing outside the root is read."""
        self.unpublished = frozenset(nfc(s) for s in unpublished)
        self.toc = toc
        """The table of contents: not a page, so it may list what is not published."""
        self.html_anchors = html_anchors
        """Look for a ``#fragment`` in the local HTML file it names (``publish links``; the
        build's "points at nothing" warnings leave anchors alone)."""
        self.docs = {nfc(d.source): d for d in docs}
        self.base_url = base_url
        self.base_path = sitepaths.base_path_of(base_url)
        self.permalinks = sitepaths.keyed_below_base(permalinks, base_url)
        self.redirects = sitepaths.keyed_below_base(redirects, base_url)
        self._planned = generated
        self._generated: frozenset[str] | None = None
        self._listings: dict[str, frozenset[str] | None] = {}
        """Names in each folder (relative to the root, "" for the root), None when unreadable."""
        self._symlinks: set[str] = set()
        self._dirs: set[str] = set()
        self._located: dict[str, _Found] = {}
        self._all_files: list[str] | None = None
        self._indexes: dict[str, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}
        self._suggested: dict[str, str | None] = {}
        self._by_name: dict[str, str] | None = None
        self._stems: dict[str, tuple[dict[str, str], list[str]]] = {}
        self._site_paths: list[str] | None = None
        self._folders: dict[str, list[str]] = {}
        self._compared = 0
        self._anchors = Anchors(self.docs)
        self._html_ids: dict[str, tuple[set[str], bool]] = {}
        """Each local HTML file's ids, and whether the file went on past what was read."""

    # -- the file system, case-sensitively -------------------------------------------------
    def _listdir(self, folder: str) -> frozenset[str] | None:
        """The names in ``folder`` (relative to the root), listed once per check run."""
        if folder not in self._listings:
            try:
                with os.scandir(self.root / folder if folder else self.root) as it:
                    entries = list(it)
            except OSError:
                self._listings[folder] = None
                return None
            self._listings[folder] = frozenset(e.name for e in entries)
            prefix = f"{folder}/" if folder else ""
            self._symlinks.update(prefix + e.name for e in entries if e.is_symlink())
            self._dirs.update(prefix + e.name for e in entries if e.is_dir())
        return self._listings[folder]

    def _has_symlink(self, rel: str) -> bool:
        folder = ""
        for part in [p for p in rel.split("/") if p]:
            names = self._listdir(folder)
            if names is None or part not in names:
                return False
            folder = f"{folder}/{part}" if folder else part
            if folder in self._symlinks:
                return True
        return False

    def _inside(self, base: str, target: str) -> str:
        """:func:`resolve_inside`, but its realpath check runs only where it can matter.

        ``..`` past the root, absolute paths and symlinks go through ``resolve_inside``
        (which refuses escapes); a plain path inside the root is just normalised.
        """
        path_part = link_path(target)
        joined = joined_inside(base, path_part, clamp=self.clamp)
        if (
            joined is None
            or (len(path_part) > 1 and path_part[1] == ":")
            or self._has_symlink(joined)
        ):
            return resolve_inside(self.root, base, target, clamp=self.clamp)[0]
        return joined

    def _locate(self, rel: str) -> _Found:
        """Find ``rel`` with each component matching exactly, or say how it differs."""
        found = self._located.get(rel)
        if found is None:
            found = self._located[rel] = self._locate_uncached(rel)
        return found

    def _locate_uncached(self, rel: str) -> _Found:
        done: list[str] = []
        for part in [p for p in rel.split("/") if p]:
            names = self._listdir("/".join(done))
            if names is None:
                return _Found(None, "not found")
            if part in names:
                done.append(part)
                continue
            shown = "/".join([*done, part])
            by_nfc, by_fold = self._name_index("/".join(done), names)
            same_nfc = by_nfc.get(nfc(part), [])
            if same_nfc:
                link_form = "NFC" if unicodedata.is_normalized("NFC", part) else "NFD"
                disk_form = "NFC" if unicodedata.is_normalized("NFC", same_nfc[0]) else "NFD"
                return _Found(
                    None,
                    f"file name differs only in Unicode normalisation: the link writes "
                    f"{shown!r} in {link_form}, the file on disk is named in {disk_form}; "
                    f"a case- and byte-exact web host will not find it",
                    "/".join([*done, same_nfc[0]]),
                )
            same_case = by_fold.get(nfc(part).casefold(), [])
            if same_case:
                return _Found(
                    None,
                    f"file name differs only by case: the link writes {shown!r}, the file "
                    f"is {'/'.join([*done, same_case[0]])!r}",
                    "/".join([*done, same_case[0]]),
                )
            return _Found(None, "not found")
        return _Found("/".join(done))

    def _name_index(
        self, folder: str, names: frozenset[str]
    ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """A folder's names by NFC form and by case-folded NFC form (each list sorted): made
        once, where a scan of the folder for each missing name was quadratic in them."""
        found = self._indexes.get(folder)
        if found is None:
            by_nfc: dict[str, list[str]] = {}
            by_fold: dict[str, list[str]] = {}
            for name in sorted(names):
                key = nfc(name)
                by_nfc.setdefault(key, []).append(name)
                by_fold.setdefault(key.casefold(), []).append(name)
            found = self._indexes[folder] = (by_nfc, by_fold)
        return found

    def _close(self, word: str, candidates: Sequence[str], cutoff: float) -> str | None:
        """``difflib.get_close_matches(word, candidates, 1, cutoff)`` while the run's budget of
        comparisons lasts (:data:`SUGGEST_BUDGET`): a suggestion compares the word with every
        candidate, and thousands of broken links on a site of thousands of files made the
        check quadratic (4,000 took over a minute). Past the budget, no suggestion."""
        if self._compared + len(candidates) > SUGGEST_BUDGET:
            return None
        self._compared += len(candidates)
        close = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
        return close[0] if close else None

    def _files(self) -> list[str]:
        if self._all_files is None:
            found: list[str] = []
            for folder, dirs, files in walk(self.root):  # any depth (os.walk recursed)
                dirs[:] = sorted(d for d in dirs if d == ".gitbook" or not d.startswith("."))
                rel = os.path.relpath(folder, self.root)
                for name in sorted(files):
                    found.append(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
            self._all_files = found
        return self._all_files

    def _suggest_file(self, source: str, missing: str) -> str:
        """The file a missing target was probably renamed or moved to, as a link from source."""
        base = posixpath.basename(missing)
        if base not in self._suggested:
            self._suggested[base] = self._renamed(base)
        found = self._suggested[base]
        if found is None:
            return ""
        link = posixpath.relpath(found, posixpath.dirname(source) or ".").translate(_AS_LINK)
        return f"did you mean {link}?"

    def _renamed(self, base: str) -> str | None:
        """The first file named ``base`` (case and normalisation aside), else the file with
        that extension whose stem is closest; None when none."""
        if self._by_name is None:
            self._by_name = {}
            for f in self._files():
                self._by_name.setdefault(nfc(posixpath.basename(f)).casefold(), f)
        same = self._by_name.get(nfc(base).casefold())
        if same is not None:
            return same
        stem, ext = posixpath.splitext(base)
        if ext not in self._stems:
            by_stem = {
                posixpath.splitext(posixpath.basename(f))[0]: f
                for f in self._files()
                if f.endswith(ext) and posixpath.basename(f) not in FOLDER_INDEXES
            }
            self._stems[ext] = (by_stem, sorted(by_stem))
        by_stem, stems = self._stems[ext]
        close = self._close(stem, stems, 0.6)
        return by_stem[close] if close is not None else None

    def _copied_as_written(self, rel: str) -> Outcome | None:
        """OK, with a note, for a file (not a page, not a folder) whose name the disk holds in
        another Unicode normalisation: the build copies it under the name the link writes
        (:func:`pipeline.build.copies.safe_path`), so the site finds it; the repository's own
        view (GitHub's), byte-exact, does not. None when the build would not copy it."""
        on_disk: list[str] = []
        for part in [p for p in rel.split("/") if p]:
            folder = "/".join(on_disk)
            names = self._listdir(folder)
            if names is None:
                return None
            if part not in names:
                same = self._name_index(folder, names)[0].get(nfc(part), [])
                if len(same) != 1:  # the copy takes the one name that is the same in NFC
                    return None
                part = same[0]
            on_disk.append(part)
        disk = "/".join(on_disk)
        if disk in self._dirs or disk.endswith(".md") or self._has_symlink(disk):
            return None
        written = "NFC" if unicodedata.is_normalized("NFC", rel) else "NFD"
        return Outcome(OK, hints.copied_note(rel, written), hints.NFC_HINT[written == "NFC"])

    # -- anchors ------------------------------------------------------------------------------
    # -- the entry point ----------------------------------------------------------------------
    def kind(self, ref: LinkRef) -> str:
        """:func:`classify`, and ``remote`` for a root-relative link outside the site's base path
        that names neither a file of the content tree nor a page of this site read from the
        base (``/blog/``; :mod:`.sitepaths`)."""
        kind = classify(ref.url, self.base_url)
        if kind != SITE or sitepaths.inside_base(path := urlsplit(ref.url).path, self.base_url):
            return kind  # a SITE URL with a host is inside the base (classify)
        if self._content_named(ref.source, sitepaths.norm_site_path(path), "") is not None:
            return kind
        from_base = self._check_site(replace(ref, url=self.base_path + path))
        return kind if from_base.status == OK else REMOTE

    def _content_named(self, source: str, served: str, fragment: str) -> Outcome | None:
        """A root-relative link outside the base naming a file of the content tree (the file
        or folder, or the name without ``.md``) is linked by the renderer to the page below the
        base (``pipeline.render.links``, as GitBook reads it): checked as that file."""
        for rel in (served.lstrip("/"), served.lstrip("/") + ".md") if served != "/" else ():
            try:
                if self._locate(inside := self._inside("", rel)).rel is not None:
                    return self._check_file(source, inside, fragment)
            except OutsideRoot:
                return None
        return None

    def check(self, ref: LinkRef) -> Outcome:
        """Check one local or site link (see :func:`classify`)."""
        if classify(ref.url, self.base_url) == SITE:
            return self._check_site(ref)
        fragment = urlsplit(ref.url).fragment if "#" in ref.url else ""
        path_part = ref.url.split("#", 1)[0].split("?", 1)[0]
        if not path_part:
            outcome = self._anchors.check(ref.source, fragment, same_page=True)
            if outcome.status == OK:
                return Outcome(OK, "anchor on this page")
            return outcome
        try:
            rel = self._inside(ref.source, ref.url)
        except OutsideRoot as exc:
            return Outcome(BROKEN, f"refused: {exc}")
        outcome = self._check_file(ref.source, rel, fragment)
        if outcome.status == OK and self.clamp and climbs_past(ref.source, link_path(ref.url)):
            return Outcome(OK, f"{outcome.reason} ({hints.CLIMBS_PAST_ROOT})", outcome.suggestion)
        return outcome

    def _check_file(self, source: str, rel: str, fragment: str, via: str = "") -> Outcome:
        found = self._locate(rel)
        # the page's name without .md, as the renderer reads it (GitBook's content-ref
        # url="developing-with-apis"): the page links it, so it is no broken link
        if found.rel is None and rel and not rel.endswith(".md") and self._locate(rel + ".md").rel:
            return self._check_file(source, rel + ".md", fragment, via)
        if found.rel is None:
            reason = (
                f"{via}file not found: {rel}"
                if not found.problem.startswith("file")
                else (via + found.problem)
            )
            if found.near and "normalisation" in found.problem:
                copied = self._copied_as_written(rel)
                if copied is not None:
                    return copied
                return Outcome(
                    BROKEN, reason, hints.NFC_HINT[unicodedata.is_normalized("NFC", rel)]
                )
            if found.near:
                here = posixpath.dirname(source) or "."
                return Outcome(BROKEN, reason, f"link to {posixpath.relpath(found.near, here)}")
            if posixpath.basename(rel) == hints.GITBOOK_LOST and not via:
                return Outcome(BROKEN, reason, hints.GITBOOK_LOST_HINT)
            return Outcome(BROKEN, reason, self._suggest_file(source, rel))
        target = found.rel
        if not target or (self._listdir(posixpath.dirname(target)) and target in self._dirs):
            names = self._listdir(target) or frozenset()
            # the folder's page as the renderer finds it (readme.md in lower case too)
            index = folder_page(names)
            if index is None and target and self._locate(target + ".md").rel:
                return self._check_file(source, target + ".md", fragment, via)  # folder.md
            if index is None:
                shown = target or "the content root"
                return Outcome(BROKEN, f"{via}folder {shown} has no README.md or index.md")
            target = posixpath.join(target, index) if target else index
        linked_from_a_page = nfc(source) not in self.unpublished and source != self.toc
        if target in self.unpublished and linked_from_a_page:
            return Outcome(
                BROKEN,
                f"{via}{target} is not published (a draft, or a page SUMMARY.md does not list)",
                "publish it, or link to a published page",
            )
        if target.endswith(".md") and fragment:
            outcome = self._anchors.check(target, fragment)
            if outcome.status != OK:
                return outcome
        elif self.html_anchors and fragment and target.lower().endswith((".html", ".htm")):
            outcome = html_anchor(self.root, target, fragment, self._html_ids)
            if outcome.status != OK:
                return outcome
        return Outcome(OK, f"{via}{target}")

    def generated(self) -> frozenset[str]:
        """The paths below the base of the other files the build writes (lists, feeds),
        planned on first use."""
        if self._generated is None:
            self._generated = sitepaths.site_paths(self._planned(), self.base_url)
        return self._generated

    def _check_site(self, ref: LinkRef) -> Outcome:
        parts = urlsplit(ref.url if not ref.url.startswith("//") else "https:" + ref.url)
        served = sitepaths.norm_site_path(parts.path)
        if (path := sitepaths.below_base(served, self.base_path)) is None:
            if named := self._content_named(ref.source, served, parts.fragment):
                return named
            from_base = self._check_site(replace(ref, url=self.base_path + served))
            return sitepaths.outside_base(served, self.base_path, from_base)
        if path == "/":
            return Outcome(OK, "the site's home page")
        if path in self.permalinks:
            return self._check_file(ref.source, self.permalinks[path], parts.fragment, "")
        if path in self.redirects:
            target = self.redirects[path].lstrip("/")
            return self._check_file(ref.source, target, parts.fragment, f"redirect {path} -> ")
        try:
            rel = self._inside("", path.lstrip("/"))
        except OutsideRoot as exc:
            return Outcome(BROKEN, f"refused: {exc}")
        outcome = None
        if self._locate(rel).rel is not None:
            outcome = self._check_file(ref.source, rel, parts.fragment)
            if outcome.status == OK or not outcome.reason.startswith("folder "):
                return outcome  # (a folder without a page of its own may be a list)
        if path in self.generated():
            return self._generated_file(ref, path, parts.path)
        if outcome is not None:
            return outcome
        if self._site_paths is None:
            self._site_paths = sorted({*self.permalinks, *self.redirects})
        reason = (
            f"no page at {path} on this site (not a permalink, a file, or in [content] redirects)"
        )
        if path.startswith(hints.GITBOOK_LOST_SPACE):
            return Outcome(BROKEN, reason, hints.GITBOOK_LOST_SPACE_HINT)
        # a page beside the linking one first (a handbook kept in versions: contents/10/ and
        # contents/9/ hold pages of one name, and the one in the link's own version is meant)
        here = "/" + posixpath.dirname(nfc(ref.source)).lower()
        close = (self._close(path, self._beside(here), 0.75) if here != "/" else None) or (
            self._close(path, self._site_paths, 0.75)
        )
        return Outcome(BROKEN, reason, f"did you mean {close}?" if close else "")

    def _beside(self, folder: str) -> list[str]:
        """The site's paths under ``folder`` (lower case), worked out once per folder and
        within the suggestions' budget (:meth:`_close`): every broken link looked through all
        of them (quadratic: 20,000 took 44 s)."""
        if folder not in self._folders:
            paths = self._site_paths or []
            if self._compared + len(paths) > SUGGEST_BUDGET:
                return []
            self._compared += len(paths)
            self._folders[folder] = [p for p in paths if p.lower().startswith(folder + "/")]
        return self._folders[folder]

    def _generated_file(self, ref: LinkRef, path: str, written: str) -> Outcome:
        """A link to a path the build makes: a list (a folder's URL, ``/essays/``) is the
        site's; a link from the root to a file (``/rss.xml``, ``/essays/index.html``) names
        a file of the content, as GitBook reads it, which the renderer links beside the
        page: there is none (its address, ``https://…/rss.xml``, works)."""
        last = written.rsplit("/", 1)[-1]
        if ref.url.startswith("//") or not ref.url.startswith("/") or "." not in last:
            return Outcome(OK, f"{path}, made by the build")  # its ids are not known
        why = f"{path} is made by the build, but a link from the root to a file names "
        where = sitepaths.fetched_at(ref.url, self.base_url)
        return Outcome(BROKEN, why + "a file of the content", f"link {where}")
