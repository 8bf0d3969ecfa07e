"""Load: walk the content once, read each file, parse front matter, assign ids, read a
GitBook space's SUMMARY.md, and assemble the site."""
