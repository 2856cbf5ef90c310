"""Imported by the worker pool's forkserver when it starts: the forkserver exits with the crawl, and
holds the per-page step loaded, so that every worker forked from it starts ready.

Python's forkserver outlives a crawl killed with SIGKILL; it and the workers forked from it each
watch the crawl (crawler/workers.py). Loading the page step (the loader, the figure reader, the
gazetteer) costs about half a second of CPU: paid once here, not once a worker after its first
page. Only the pool names this module, for its forkserver."""

import signal

# Ctrl-C reaches the crawl's whole process group: the crawl stops gracefully and ends its pool. The
# forkserver ignores it from here on (Python's own forkserver does so only after this import, half a
# second later: a Ctrl-C then killed it, with a traceback, and its pool broke). The pool starts it
# with SIGINT blocked (`workers._Executor._start`), which covers the interpreter's start before this;
# but Python's resource tracker, when it starts in the same thread, unblocks SIGINT on its way out, and
# then this line is what keeps the forkserver alive. A Ctrl-C blocked until here is dropped.
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

import atexit  # noqa: E402

from crawler.workers import exit_with_crawl, remove_pool_dir  # noqa: E402

# The forkserver removes the folder of its socket when the crawl was killed: it notices by its watch,
# or by the end of the pipe the crawl held (Python's own way out of a forkserver, through atexit).
exit_with_crawl(on_exit=remove_pool_dir)
atexit.register(remove_pool_dir)

from crawler import page  # noqa: E402, F401  (the modules every task of the pool needs)
from crawler.places import gazetteer  # noqa: E402

gazetteer()
