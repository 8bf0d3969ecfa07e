"""``publish serve``'s server: the built site over HTTP with a reload script injected into its
HTML, rebuild news pushed to the open pages over Server-Sent Events, and the file watcher.

Nothing here builds: the CLI passes in the rebuild (:mod:`pipeline.build.preview`).
"""
