"""What the Qt programs share: the feed watcher, background tasks, theme and banners.

Nothing here decides queue rules; that is ``db/``'s job.
"""
