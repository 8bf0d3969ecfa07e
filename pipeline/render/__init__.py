"""Rendering Markdown (with GitBook's constructs) to HTML whose URLs are all absolute."""

RENDERER_VERSION = "4"
"""Bump when output HTML changes for the same input: it keys the render cache and the
no-change check of a build."""
