"""Fixtures for the feed linter: the podcast stage's example episodes and config.

The linter's reference feed is the podcast feed rendered from the bundled example episodes, so
these are the podcast tests' own fixtures, imported rather than copied.
"""

from tests.podcast.conftest import config, content, items

__all__ = ["config", "content", "items"]
