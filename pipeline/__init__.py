"""publish: a content pipeline from Markdown with front matter to feeds, pages and digests.

The package is a library of stages (load -> render -> syndicate / links / digest); the
Click CLI in :mod:`pipeline.cli` is a thin layer over them.
"""

__version__ = "0.1.0"
