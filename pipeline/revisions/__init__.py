"""What changed in the pages, read from git history: the revisions behind the changes feed."""
