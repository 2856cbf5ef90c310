#!/bin/sh
# One scheduled crawl: takes a lock so two runs never overlap, appends its log to a file, and
# exits with the crawl's status (0 healthy, 1 unhealthy, 2 bad arguments) or 75 when another
# run still holds the lock. Extra arguments go to `scrapy crawl baothanhhoa`.
#   CRAWL_LOCK (default data/crawl.lock), CRAWL_LOG (default data/crawl.log),
#   CRAWL_SCRAPY (default .venv/bin/scrapy)
set -eu
cd "$(dirname "$0")/.."
lock="${CRAWL_LOCK:-data/crawl.lock}"
log="${CRAWL_LOG:-data/crawl.log}"
scrapy="${CRAWL_SCRAPY:-.venv/bin/scrapy}"
mkdir -p "$(dirname "$lock")" "$(dirname "$log")"
echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) scrapy crawl baothanhhoa $*" >>"$log"
exec flock --nonblock --conflict-exit-code 75 "$lock" "$scrapy" crawl baothanhhoa "$@" >>"$log" 2>&1
