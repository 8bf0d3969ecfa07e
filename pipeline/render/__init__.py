"""Rendering Markdown (with GitBook's constructs) to HTML whose URLs are all absolute.

The render cache and the no-op check are keyed on a hash of the installed code
(:func:`pipeline.build.state.code_digest`): no version number to bump by hand."""
