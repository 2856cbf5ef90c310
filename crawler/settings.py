"""Scrapy settings. The defaults are polite to the real site; tests, the demo and the benchmark
override the delays for their local server with -s/settings, never by editing these."""

from crawler import __version__

BOT_NAME = "baothanhhoa_party"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

USER_AGENT = (
    f"baothanhhoa-party-crawler/{__version__} (research crawler of party-building news;"
    " obeys robots.txt, about one request a second)"
)
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 3
# A news page is tens of kilobytes; anything near these sizes is not an article.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.figures.FiguresPipeline": 300,
    "pipelines.store.StorePipeline": 900,
}

# Where articles are stored, and how many go into one transaction.
SQLITE_DB = "data/baothanhhoa.db"
SQLITE_BATCH_SIZE = 50
# Read figures and document references out of each body (pipelines/figures.py).
FIGURES_ENABLED = True

FEED_EXPORT_ENCODING = "utf-8"
