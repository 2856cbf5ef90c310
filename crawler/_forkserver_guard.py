"""Imported by the worker pool's forkserver when it starts: the forkserver exits with the crawl.

Python's forkserver outlives a crawl killed with SIGKILL; it and the workers forked from it each
watch the crawl (crawler/workers.py). Only the pool names this module, for its forkserver."""

from crawler.workers import exit_with_crawl

exit_with_crawl()
