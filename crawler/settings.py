"""Scrapy settings. The defaults are polite to the real site; tests, the demo and the benchmark
override the delays for their local server with -s/settings, never by editing these."""

from crawler import __version__
from crawler.figures import Bounds

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
# getaddrinfo-based: resolves IPv6 (a base_url of http://[::1]:8000 for a local mirror) as well as IPv4.
DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
RETRY_TIMES = 3
# A news page is tens of kilobytes; anything near these sizes is not an article.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A response cut short is parsed for what it holds, and its article marked `truncated`.
DOWNLOAD_FAIL_ON_DATALOSS = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's RemoteControl runs Python sent to a local HTTP endpoint and keeps a token file in
# the user's home: not something a scheduled crawler should open. Turn it on with -s when wanted.
REMOTE_CONTROL_ENABLED = False
# A response yields at most one item here; Scrapy's default (100) starts 100 workers per response.
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = False
LOG_LEVEL = "INFO"

# Pages whose body is written by script are re-requested through headless Chromium
# (crawler/rendering.py): "auto" renders when a Chromium is installed, "false" never does.
ADDONS = {"crawler.rendering.RenderingAddon": 0}
RENDER_ENABLED = "auto"
CHROMIUM_PATH = "/usr/bin/chromium"

# Health of a run (crawler/health.py): a failed run exits non-zero and says why in crawl_runs.
SPIDERMON_ENABLED = True
EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    "crawler.workers.WorkerPool": 100,
}
# Processes that parse pages and read figures beside the crawl (crawler/workers.py); 0: in-process.
WORKER_PROCESSES = 1
SPIDERMON_SPIDER_CLOSE_MONITORS = ("crawler.health.HealthMonitorSuite",)
HEALTH_MIN_ARTICLES = 1
HEALTH_MAX_EMPTY_BODIES = 0
HEALTH_MAX_ERRORS = 10

DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.SiteBoundaryMiddleware": 650}

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.figures.FiguresPipeline": 300,
    "pipelines.store.StorePipeline": 900,
}

# Where articles are stored, how many go into one transaction, and how long a writer waits (seconds)
# for another one (a manual run beside a scheduled one, crawler.reextract) before the run fails.
SQLITE_DB = "data/baothanhhoa.db"
SQLITE_BATCH_SIZE = 50
SQLITE_BUSY_TIMEOUT = 60.0
# Incremental runs (the default mode) stop paging a section at the first listing page that holds
# at least this many stored articles; they are the overlap that catches re-dated articles.
INCREMENTAL_OVERLAP = 3
# How many articles missed by earlier runs (failed, or stored incomplete) a run retries first.
RETRY_MISSED_LIMIT = 100
# Request /rss/<section>.xml first, where the site publishes one.
FEEDS_ENABLED = True

# Read figures and document references out of each body (pipelines/figures.py).
FIGURES_ENABLED = True
# Bounds on one page's work (each one reached is counted under limits/ and stored in `limits`):
# a sentence is read in pieces of this many characters, reading stops after this many numbers,
# this many figures are kept, and a listing page gives at most this many article links.
FIGURES_MAX_SENTENCE_CHARS = Bounds.sentence_chars
FIGURES_MAX_NUMBERS = Bounds.numbers
FIGURES_MAX_PER_ARTICLE = Bounds.figures
LINKS_MAX_PER_PAGE = 500

FEED_EXPORT_ENCODING = "utf-8"
