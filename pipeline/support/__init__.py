"""Helpers every stage shares, one of each: paths and URLs, text, dates, secrets,
atomic writes and locks, retry-after, worker pools."""
