"""Corpus shapes: what varies between benchmark corpora (``--shape NAME``).

Each shape changes one thing of the ``default`` corpus (the one every earlier figure used, which
stays byte-identical), so a shape's effect on the publish/Hugo ratio reads off directly:

========== =================================================================================
default    800-2,500 words; links and headings as before; title, date, id, description,
           tags, authors; every tenth post an episode; GitBook blocks in plain sections
short      150-400 words a post
long       4,000-6,000 words a post
dense      four times the links (1 word in 17) and 2.5 times the headings
sparse     no links, few headings
few-keys   front matter: title, date, id only
many-keys  front matter: also updated, summary, 3-8 tags, 1-3 authors, image, aliases
episodes-0   no episodes
episodes-50  every second post an episode
plain      plain Markdown: no GitBook blocks, no ``&#x20;`` entities
gitbook    a GitBook space: SUMMARY.md lists every post, section README landing pages; no
           episodes (GitBook mode reads every page as an essay: compare with episodes-0)
========== =================================================================================
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    name: str
    min_words: int = 800
    max_words: int = 2500
    link_rate: float = 0.015
    """Share of a sentence's words that are links."""
    heading_rate: float = 0.12
    """Share of body blocks that are headings."""
    front: str = "default"
    """``few``, ``default`` or ``many`` front matter keys."""
    episode_every: int = 10
    """Post i is an episode when i is a multiple of this; 0: no episodes."""
    gitbook_blocks: bool = True
    """``{% hint %}``, ``{% embed %}`` and ``&#x20;`` in bodies."""
    summary: bool = False
    """A GitBook space: ``SUMMARY.md`` and section ``README.md`` landing pages."""


SHAPES: dict[str, Shape] = {
    s.name: s
    for s in (
        Shape("default"),
        Shape("short", min_words=150, max_words=400),
        Shape("long", min_words=4000, max_words=6000),
        Shape("dense", link_rate=0.06, heading_rate=0.3),
        Shape("sparse", link_rate=0.0, heading_rate=0.03),
        Shape("few-keys", front="few"),
        Shape("many-keys", front="many"),
        Shape("episodes-0", episode_every=0),
        Shape("episodes-50", episode_every=2),
        Shape("plain", gitbook_blocks=False),
        Shape("gitbook", summary=True, episode_every=0),
    )
}
DEFAULT = SHAPES["default"]


def shape(name: str) -> Shape:
    try:
        return SHAPES[name]
    except KeyError:
        raise SystemExit(f"unknown shape {name!r}; one of: {', '.join(SHAPES)}") from None
