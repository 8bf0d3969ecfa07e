"""A link's ``#fragment`` against the anchors of the page it names: the ids the renderer
writes into that page (:class:`~pipeline.model.SourceDoc`), a case-folded match named, else
the nearest heading suggested."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from urllib.parse import unquote

from pipeline.linkcheck.results import BROKEN, OK, Outcome
from pipeline.model import SourceDoc
from pipeline.render.slugs import written_id
from pipeline.support.text import nfc

NEAREST_MAX = 200
"""Anchors of a page above which a missing one gets no "nearest heading" (see
:meth:`Anchors._nearest_heading`)."""


class Anchors:
    """Checks fragments against ``docs`` (NFC source -> its scanned document); one per run."""

    def __init__(self, docs: Mapping[str, SourceDoc]) -> None:
        self.docs = docs
        self._folded: dict[str, dict[str, str]] = {}
        """Each page's anchors by their case-folded spelling (the first in sorted order)."""
        self._nearest: dict[tuple[str, str], str] = {}

    def check(self, target_rel: str, fragment: str, same_page: bool = False) -> Outcome:
        """A ``#fragment`` of the page ``target_rel`` against the ids its rendering writes."""
        frag = written_id(unquote(fragment))
        doc = self.docs.get(nfc(target_rel))
        if not frag or doc is None or frag in doc.anchors or nfc(frag) in doc.anchors:
            return Outcome(OK, "")
        if frag.lower() == "top" or frag.startswith(":~:"):
            return Outcome(OK, "")  # the page's top, a text fragment: no element needed
        where = "on this page" if same_page else f"in {target_rel}"
        folded = self._folded.get(doc.source)
        if folded is None:
            folded = self._folded[doc.source] = {}
            for anchor in sorted(doc.anchors):
                folded.setdefault(anchor.casefold(), anchor)
        lowered = folded.get(frag.casefold())
        if lowered is not None:
            return Outcome(
                BROKEN,
                f"anchor #{frag} not found {where}: differs only by case from #{lowered}",
                f"use #{lowered}",
            )
        return Outcome(
            BROKEN, f"anchor #{frag} not found {where}", self._nearest_heading(doc, frag)
        )

    def _nearest_heading(self, doc: SourceDoc, frag: str) -> str:
        """``nearest heading: #x`` for a missing anchor, once per page and anchor; none on a
        page of more than :data:`NEAREST_MAX` anchors (compared with each, every missing one
        of a long page made the check quadratic: 2,000 took 31 s)."""
        key = (doc.source, frag)
        found = self._nearest.get(key)
        if found is None:
            close = []
            if len(doc.anchors) <= NEAREST_MAX:
                close = difflib.get_close_matches(frag, sorted(doc.anchors), n=1, cutoff=0.4)
            found = self._nearest[key] = f"nearest heading: #{close[0]}" if close else ""
        return found
