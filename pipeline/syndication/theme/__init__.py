"""The site readers browse, as it renders: Jinja2 templates shipped in the package (overridable
from the content repository's ``templates/``), the pages' context, the navigation (menu,
reading order, breadcrumbs, outline), the words in the site's language and the files every site
has (sitemap, robots.txt). Which pages a build makes, and from what, is planned by the build
(:mod:`pipeline.build.themeplan`)."""
