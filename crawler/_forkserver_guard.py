"""Imported by the worker pool's forkserver when it starts: the forkserver exits with the crawl.

Python's forkserver outlives a parent killed with SIGKILL; its workers, forked from it, each watch
their own parent (crawler/workers.py). Importing this module in any other process watches that
process's parent too, which is harmless only in a forkserver: so only the pool names it."""

from crawler.workers import exit_with_parent

exit_with_parent()
