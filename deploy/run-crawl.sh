#!/bin/sh
# One scheduled crawl: takes a lock so two scheduled runs never overlap, appends its log to a file,
# and exits with the crawl's status: 0 healthy, 1 unhealthy, 2 bad arguments, 3 the database or the
# data directory cannot be used, 4 a write failed during the run, 75 the previous run still holds
# the lock (crawler/outcome.py). Extra arguments go to `scrapy crawl baothanhhoa`.
#   CRAWL_LOCK (default data/crawl.lock), CRAWL_LOG (default data/crawl.log),
#   CRAWL_SCRAPY (default .venv/bin/scrapy)
set -u
cd "$(dirname "$0")/.." || exit 3
lock="${CRAWL_LOCK:-data/crawl.lock}"
log="${CRAWL_LOG:-data/crawl.log}"
scrapy="${CRAWL_SCRAPY:-.venv/bin/scrapy}"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

for dir in "$(dirname "$lock")" "$(dirname "$log")"; do
  if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    echo "run-crawl: $dir is not a writable directory (for the lock and the log)" >&2
    exit 3
  fi
done
if ! { : >>"$log"; } 2>/dev/null; then
  echo "run-crawl: cannot write the log $log" >&2
  exit 3
fi
if [ ! -x "$scrapy" ]; then
  echo "run-crawl: $scrapy not found (run make demo or make test once to set up .venv)" | tee -a "$log" >&2
  exit 3
fi

echo "== $(now) scrapy crawl baothanhhoa $*" >>"$log"
flock --nonblock --conflict-exit-code 75 "$lock" "$scrapy" crawl baothanhhoa "$@" >>"$log" 2>&1
status=$?
if [ "$status" -eq 75 ]; then
  echo "== $(now) skipped: the previous run still holds $lock" | tee -a "$log" >&2
fi
echo "== $(now) exit status $status" >>"$log"
exit "$status"
