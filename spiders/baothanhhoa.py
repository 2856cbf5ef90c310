"""The spider of Báo Thanh Hóa: the crawler's spider (crawler/spider.py) with this paper's site."""

from __future__ import annotations

from crawler.sites.baothanhhoa import SITE
from crawler.spider import SiteSpider


class BaothanhhoaSpider(SiteSpider):
    __doc__ = SiteSpider.__doc__
    name = "baothanhhoa"
    site = SITE
