"""The story of ``publish build`` and every cache behind it: the build key, the load and
render caches, the snapshot, the no-op check, planning and writing outputs."""
