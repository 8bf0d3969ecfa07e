"""Rendering Markdown (with GitBook's constructs) to HTML whose URLs are all absolute."""
