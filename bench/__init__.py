"""The benchmark (`python -m bench`, `make bench`): a generated site of N articles (`sitegen.py`)
served by nginx, crawled by the full crawler and by a bare spider on the same engine (`spider.py`),
to see what the per-page path costs. Not part of the installed crawler."""
