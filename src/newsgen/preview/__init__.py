"""``newsgen serve``: the rebuild loop, the HTTP server, the watcher, live reload."""
