"""The site readers browse: Jinja2 templates shipped in the package (overridable from the
content repository's ``templates/``), the navigation (menu, reading order, breadcrumbs, outline),
list pages (home, sections, tags, archive) and the files every site has (sitemap, robots.txt,
404, redirects)."""
