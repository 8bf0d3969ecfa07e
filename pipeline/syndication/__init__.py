"""Stage 3: one item list, several serialisations (RSS 2.0, Atom 1.0, JSON Feed 1.1, iCalendar),
plus the human-readable feed directory (index.html, OPML)."""
