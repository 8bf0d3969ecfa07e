"""The podcast stage: episode front matter → media facts → the podcast RSS feed, and a linter.

Modules: :mod:`.episode` validates an episode's front matter, :mod:`.media` measures audio
(local files and remote URLs), :mod:`.artwork` checks cover art, :mod:`.categories` holds
Apple's category list, :mod:`.chapters` turns timestamped headings into a chapters file,
:mod:`.feed` writes ``podcast.xml`` and :mod:`.lint` checks any RSS/Atom/JSON feed.
"""
