"""Imported by the worker pool's forkserver when it starts: the forkserver exits with the crawl, and
holds the per-page step loaded, so that every worker forked from it starts ready.

Python's forkserver outlives a crawl killed with SIGKILL; it and the workers forked from it each
watch the crawl (crawler/workers.py). Loading the page step (the loader, the figure reader, the
gazetteer) costs about half a second of CPU: paid once here, not once a worker after its first
page. Only the pool names this module, for its forkserver."""

from crawler.workers import exit_with_crawl

exit_with_crawl()

from crawler import page  # noqa: E402, F401  (the modules every task of the pool needs)
from crawler.places import gazetteer  # noqa: E402

gazetteer()
