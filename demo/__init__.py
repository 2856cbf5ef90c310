"""The offline demo: the sample site (a copy of a few pages of baothanhhoa.vn, `site/`), the small
server that behaves like the site over it (`server.py`, also the tests' server), the crawl command
line for a local site (`crawl.py`) and `python -m demo`. Not part of the installed crawler."""
