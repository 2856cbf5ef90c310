"""Scrapy settings. The defaults are polite to the real site; tests, the demo and the benchmark
override the delays for their local server with -s/settings, never by editing these.

The crawler's own settings (SQLITE_DB, WORKER_PROCESSES, FIGURES_*, HEALTH_*, ...) and their
defaults are in crawler/defaults.py, registered by its add-on; set them here or with -s."""

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
# getaddrinfo-based: resolves IPv6 (a base_url of http://[::1]:8000 for a local mirror) as well as IPv4.
TWISTED_DNS_RESOLVER = "scrapy.resolver.CachingHostnameResolver"
RETRY_TIMES = 3
# A request given up is recorded in crawl_failures and counted once toward HEALTH_MAX_ERRORS; Scrapy's
# give-up line at ERROR would count it a second time.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# A news page is tens of kilobytes; anything near these sizes is not an article.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A response cut short is parsed for what it holds, and its article marked `truncated`.
DOWNLOAD_FAIL_ON_DATALOSS = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's RemoteControl runs Python sent to a local HTTP endpoint and keeps a token file in
# the user's home: not something a scheduled crawler should open. Turn it on with -s when wanted.
REMOTE_CONTROL_ENABLED = False
# A response yields at most one item here, and a listing's requests are queued at once: Scrapy starts
# this many tasks for every response (an asyncio queue and its workers), and more would wait idle.
CONCURRENT_ITEMS = 1
COOKIES_ENABLED = False
LOG_LEVEL = "INFO"

# Our settings' defaults first; then rendering through Chromium for pages whose body is written by
# script (crawler/rendering.py), which reads RENDER_ENABLED.
ADDONS = {"crawler.defaults.Defaults": -100, "crawler.rendering.RenderingAddon": 0}

# Health of a run (crawler/health.py): a failed run exits non-zero and says why in crawl_runs.
SPIDERMON_ENABLED = True
EXTENSIONS = {
    "spidermon.contrib.scrapy.extensions.Spidermon": 500,
    "crawler.workers.WorkerPool": 100,
    "crawler.collector.GarbageCollection": 100,
}
SPIDERMON_SPIDER_CLOSE_MONITORS = ("crawler.health.HealthMonitorSuite",)

DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.SiteBoundaryMiddleware": 650}

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.figures.FiguresPipeline": 300,
    "pipelines.store.StorePipeline": 900,
}

FEED_EXPORT_ENCODING = "utf-8"
