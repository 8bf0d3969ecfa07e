"""The podcast stage: episode front matter → media facts → the podcast RSS feed.

Modules: :mod:`.episode` validates an episode's front matter, :mod:`.media` measures audio
(local files and remote URLs), :mod:`.artwork` checks cover art, :mod:`.chapters` turns
timestamped headings into a chapters file, :mod:`.show` checks ``[podcast]`` and pins its GUID,
and :mod:`.feed` writes ``podcast.xml``. What apps accept (Apple's categories, the medium
values, size limits) is in ``pipeline.support.podcast_values`` and ``podcast_categories``; the
feed linter is ``pipeline.feedcheck``.
"""
