"""Benchmark the whole pipeline against the Scrapy engine's own limit on this machine.

Generates a site of N articles (bench/sitegen.py), serves it with nginx on a free loopback port
(a Python server would cap both spiders at its own rate), and runs, one after the other with the
same concurrency and no delay: (1) a bare spider that only follows the same links, (2) the full
crawler (load, clean, dedupe, figures, SQLite). Then it times each stage per article in-process
over a sample of the pages, with trafilatura's extraction of the same pages as a reference.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.sitegen import generate
from crawler.workers import worker_count
from demo.crawl import crawl_command
from demo.server import PROJECT_ROOT

CLK_TCK = os.sysconf("SC_CLK_TCK")
SETTINGS = {
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "LOG_LEVEL": "WARNING",
    "RENDER_ENABLED": "false",
    "FEEDS_ENABLED": "false",
    "HEALTH_MAX_ERRORS": "1000000",
}
NGINX_CONF = """daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    types {{ text/html htm html; text/plain txt; }}
    charset utf-8;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ try_files $uri =404; }}
    }}
}}
"""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(stat: Path) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) from a process's or a thread's /proc `stat` file; None
    once it is gone."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children still running (nginx's workers)."""
    return sum(cpu for p, (ppid, cpu) in _process_table().items() if pid in (p, ppid))


class Nginx:
    def __init__(self, root: Path, work: Path) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise SystemExit("nginx is not installed: `apt-get install nginx-light` (make bench does it)")
        self.port = free_port()
        work.mkdir(parents=True, exist_ok=True)
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(work=work, port=self.port, root=root))
        self.process = subprocess.Popen([binary, "-p", str(work), "-c", str(conf)], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nginx did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _process_table() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds so far) of every process on the machine."""
    stats = {int(e.name): proc_stat(e / "stat") for e in Path("/proc").iterdir() if e.name.isdigit()}
    return {pid: stat for pid, stat in stats.items() if stat is not None}


def _thread_cpu(pid: int) -> dict[int, float]:
    """Thread id → CPU seconds so far of each thread of a process (the main thread's id is the pid)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return {}
    stats = {int(task.name): proc_stat(task / "stat") for task in tasks}
    return {tid: stat[1] for tid, stat in stats.items() if stat is not None}


def _proc_kb(pid: int, name: str, key: str) -> int:
    """A value in kB from a process's /proc file (`status`, `smaps_rollup`); 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def hwm_kb(pid: int) -> int:
    """A process's peak resident memory (`VmHWM`), of the program it runs now. Not `ru_maxrss` from
    wait4: a child exec'd from this process starts from this process's own peak, which at N=20,000
    (the generated site in memory) was higher than the crawl's, so the bare spider and the crawl
    reported the benchmark's size (118 MB, then 154 MB), not theirs."""
    return _proc_kb(pid, "status", "VmHWM:")


def _pss_kb(pid: int) -> int:
    """A process's proportional share of the memory it maps: pages a forked worker shares with the
    forkserver count once across them, as they do in the machine's memory."""
    return _proc_kb(pid, "smaps_rollup", "Pss:")


class DescendantsCpu(threading.Thread):
    """Samples the CPU of a process's descendants (the crawl's worker processes) while it runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.seen: dict[int, float] = {}
        self.threads: dict[int, float] = {}  # the process's own threads but its main one → CPU seconds
        self.peak_total_kb = 0  # the largest memory (PSS) the crawl and its descendants held at once
        self.peak_kb = 0  # the crawl process's own peak resident memory (VmHWM), as last read
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            table = _process_table()
            family = {self.pid}
            for _ in range(4):  # children, grandchildren (forkserver → workers), …
                family |= {pid for pid, (ppid, _) in table.items() if ppid in family}
            for pid in family - {self.pid}:
                self.seen[pid] = max(self.seen.get(pid, 0.0), table[pid][1])
            for tid, cpu in _thread_cpu(self.pid).items():
                if tid != self.pid:
                    self.threads[tid] = max(self.threads.get(tid, 0.0), cpu)
            self.peak_total_kb = max(self.peak_total_kb, sum(_pss_kb(pid) for pid in family))
            self.peak_kb = max(self.peak_kb, hwm_kb(self.pid))

    @property
    def cpu_s(self) -> float:
        return sum(self.seen.values())

    @property
    def threads_cpu_s(self) -> float:
        return sum(self.threads.values())


def run_measured(cmd: list[str], nginx: Nginx, *, cwd: Path = PROJECT_ROOT, env: dict | None = None) -> dict:
    nginx_before = nginx.cpu()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    helpers = DescendantsCpu(process.pid)
    helpers.start()
    stderr = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    helpers.done.set()
    helpers.join()
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "workers_cpu_s": helpers.cpu_s,
        # The crawl process's threads but its main one (the worker pool's, Python's executor's),
        # sampled every 0.2 s: the main thread runs the engine, and is the crawl's serial part.
        "threads_cpu_s": helpers.threads_cpu_s,
        # Its high-water mark as last read, 0.2 s or less before its exit (see `hwm_kb`).
        "peak_rss_mb": (helpers.peak_kb or usage.ru_maxrss) / 1024,
        # The crawl, its forkserver and its workers together, sampled every 0.2 s.
        "peak_rss_all_mb": helpers.peak_total_kb / 1024,
        "exit_status": os.waitstatus_to_exitcode(status),
        "server_cpu_s": nginx.cpu() - nginx_before,
        "stderr_tail": stderr[-1500:],
    }


def scrapy_args(settings: dict[str, str]) -> list[str]:
    return [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]


def stage_costs(root: Path, sample: int, work: Path) -> dict:
    """Milliseconds per article of each stage, in this process, over `sample` article pages."""
    from scrapy.http import HtmlResponse

    from crawler.figures import extract_rows
    from crawler.loaders import load_article
    from crawler.places import place_figures
    from crawler.sites.baothanhhoa import SITE
    from crawler.storage import content_hash, open_database, save_articles
    from pipelines.validate import extraction_status

    pages = sorted(p for p in root.glob("*.htm") if p.stem.rsplit("-", 1)[-1].isdigit())[:sample]
    bodies = [(p.name, p.read_bytes()) for p in pages]
    timings: dict[str, float] = {}

    t = time.perf_counter()
    items = []
    for name, body in bodies:
        url = f"https://baothanhhoa.vn/{name}"
        item = load_article(HtmlResponse(url=url, body=body), url, SITE).item
        item["extraction_status"] = extraction_status(item)
        item["content_hash"] = content_hash(item)
        items.append(item)
    timings["load_ms"] = (time.perf_counter() - t) * 1000 / len(bodies)

    t = time.perf_counter()
    for item in items:
        item["figures"], item["documents"], _ = extract_rows(item.get("body") or "", item.get("published_at"))
        item["places"] = place_figures(item["figures"], published=item.get("published_at"), title=item.get("title"))
    timings["figures_ms"] = (time.perf_counter() - t) * 1000 / len(items)
    timings["figures_per_article"] = sum(len(i["figures"]) for i in items) / len(items)

    db = open_database(work / "stages.db")
    t = time.perf_counter()
    for i in range(0, len(items), 50):
        save_articles(db, [dict(x) for x in items[i : i + 50]])
    timings["sqlite_ms"] = (time.perf_counter() - t) * 1000 / len(items)
    db.close()

    try:
        import trafilatura
    except ImportError:
        timings["trafilatura_ms"] = None
    else:
        t = time.perf_counter()
        for _, body in bodies:
            trafilatura.extract(body.decode("utf-8"), include_comments=False)
        timings["trafilatura_ms"] = (time.perf_counter() - t) * 1000 / len(bodies)
    timings["sample"] = len(bodies)
    return timings


def _gc(stats: dict) -> dict:
    """The crawl process's garbage collections (crawler/collector.py), from a run's stats."""
    return {
        "threshold": int(stats.get("gc/threshold") or 0),
        "collections": sum(int(stats.get(f"gc/collections/gen{g}") or 0) for g in range(3)),
        "seconds": float(stats.get("gc/seconds") or 0.0),
    }


def _store(stats: dict) -> dict:
    """The seconds the crawl process spent writing its batches (pipelines/store.py), from a run's stats."""
    return {
        "cpu_s": float(stats.get("pipeline/store/cpu_seconds") or 0.0),
        "wall_s": float(stats.get("pipeline/store/seconds") or 0.0),
    }


def bare_command(base_url: str, stats_out: Path, settings: dict[str, str]) -> list[str]:
    """The bare spider with the project's settings, but no database: it stores nothing, and with the
    project's SQLITE_DB it recorded a run of its own in data/baothanhhoa.db at every benchmark."""
    return [sys.executable, "-m", "scrapy", "runspider", str(PROJECT_ROOT / "bench" / "spider.py"),
            "-a", f"base_url={base_url}", "-a", f"stats_out={stats_out}",
            *scrapy_args({**settings, "SQLITE_DB": ""})]  # fmt: skip


def setting_pairs(pairs: list[str]) -> dict[str, str]:
    """`NAME=VALUE` texts as settings; ValueError for one without a name or an `=`."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"not NAME=VALUE: {pair!r}")
        settings[name] = value
    return settings


STORE_PIPELINE = "pipelines.store.StorePipeline"


def settings_problem(settings: dict[str, str]) -> str | None:
    """Why the full crawler could not be measured with these `--set` settings, or None: its run is
    read from the database it writes (the benchmark names it), so the store must stay on."""
    if "SQLITE_DB" in settings:
        return "SQLITE_DB is the benchmark's own (each full crawl writes a database of its own)"
    if "ITEM_PIPELINES" in settings:
        try:
            pipelines = json.loads(settings["ITEM_PIPELINES"])
        except ValueError:
            return f"ITEM_PIPELINES is not a JSON object: {settings['ITEM_PIPELINES']!r}"
        if not isinstance(pipelines, dict) or STORE_PIPELINE not in pipelines:
            return (f"ITEM_PIPELINES must keep {STORE_PIPELINE}: the full crawl is read from its database "
                    "(`python -m bench.parts` measures a crawl that stores nothing)")  # fmt: skip
    return None


def benchmark(
    n: int, work: Path, sample: int = 300, workers: str = "auto", settings: dict | None = None, rounds: int = 1
) -> dict:
    """`settings` apply to both spiders: the bare one runs with the project's settings too. With
    `rounds` above one, the two spiders run in turns (bare, full, bare, full, ...) and the round with
    the median ratio is reported, with every round's ratios: one round's ratio moves with the shared
    host by more than a tenth."""
    chosen, settings = settings or {}, {**SETTINGS, **(settings or {})}
    site = work / "site"
    t = time.perf_counter()
    counts = generate(site, n)
    generation_s = time.perf_counter() - t
    nginx = Nginx(site, work / "nginx")
    try:
        measured = [_round(k, nginx, counts, settings, workers, work) for k in range(rounds)]
    finally:
        nginx.stop()
    chosen_round = sorted(measured, key=lambda r: r["ratio_pages_per_s"])[(len(measured) - 1) // 2]
    result = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "processor": cpu_model()},
        "n": n,
        "worker_processes": workers,
        "settings": chosen,
        "site": counts,
        "generation_s": round(generation_s, 2),
        **chosen_round,
        "stages_ms_per_article": {k: (round(v, 3) if isinstance(v, float) else v)
                                  for k, v in stage_costs(site, sample, work).items()},
    }  # fmt: skip
    if rounds > 1:
        result["rounds"] = [
            {key: r[key] for key in ("ratio_pages_per_s", "ratio_pages_per_s_open", "ratio_cpu_per_page_all")}
            | {"bare_pages_per_s": r["bare"]["pages_per_s"], "full_pages_per_s": r["full"]["pages_per_s"]}
            for r in measured
        ]
        result["reported_round"] = measured.index(chosen_round) + 1
    result["cpu_budget_cores"] = worker_count("auto")  # the cores the crawl may use (affinity, quota)
    result["cpu_budget_ms_per_page"] = cpu_budget(result, result["cpu_budget_cores"])
    return result


def _round(k: int, nginx: Nginx, counts: dict, settings: dict, workers: str, work: Path) -> dict:
    """One bare crawl, then one full crawl into a database of its own, and their ratios."""
    bare_stats = work / f"bare-stats-{k}.json"
    bare = run_measured(bare_command(nginx.url, bare_stats, settings), nginx)
    bare_run_stats = json.loads(bare_stats.read_text())
    bare_pages = bare_run_stats["response_received_count"]
    db = work / f"bench-{k}.db"
    full = run_measured(
        crawl_command(nginx.url, db, spider_args={"max_pages": str(counts["listing_pages"])},
                      settings={**settings, "WORKER_PROCESSES": str(workers)}),
        nginx,
    )  # fmt: skip
    if full["exit_status"] != 0 or not db.exists():
        raise SystemExit(f"bench: the full crawl exited {full['exit_status']} and left "
                         f"{'its database' if db.exists() else 'no database'}:\n{full['stderr_tail']}")  # fmt: skip
    conn = sqlite3.connect(db)
    run_id = conn.execute("select max(id) from crawl_runs").fetchone()[0]
    run_stats = dict(conn.execute("select key, value from run_stats where run_id = ?", (run_id,)).fetchall())
    stored = conn.execute("select count(*) from articles").fetchone()[0]
    figures = conn.execute("select count(*) from figures").fetchone()[0]
    conn.close()
    db_bytes = sum(p.stat().st_size for p in work.glob(f"bench-{k}.db*"))
    full_pages = int(run_stats["response_received_count"])
    result = {
        "bare": _summary(bare, bare_pages, open_seconds(bare_run_stats)) | {"gc": _gc(bare_run_stats)},
        "full": _summary(full, full_pages, open_seconds(run_stats)) | {"articles_stored": stored,
                                                                       "figures_stored": figures, "gc": _gc(run_stats),
                                                                       "store": _store(run_stats)},
        "db_bytes_per_1000_articles": round(db_bytes / max(stored, 1) * 1000),
    }  # fmt: skip
    result["ratio_pages_per_s"] = round(result["full"]["pages_per_s"] / result["bare"]["pages_per_s"], 3)
    result["ratio_pages_per_s_open"] = open_ratio(result["bare"], result["full"])
    bare_cpu, full = result["bare"]["cpu_s_per_1000_pages"], result["full"]
    result["ratio_cpu_per_page"] = round(bare_cpu / full["cpu_s_per_1000_pages"], 3)
    result["ratio_cpu_per_page_all"] = round(
        bare_cpu / (full["cpu_s_per_1000_pages"] + full["worker_cpu_s_per_1000_pages"]), 3
    )
    return result


def rounds_line(r: dict) -> str | None:
    """Every round's ratios, for a run of several: what one round's figure is worth on this host."""
    if "rounds" not in r:
        return None
    walls = [x["ratio_pages_per_s"] for x in r["rounds"]]
    opens = [x["ratio_pages_per_s_open"] for x in r["rounds"] if x["ratio_pages_per_s_open"] is not None]
    return (
        f"{len(walls)} rounds, bare and full in turns: full/bare {', '.join(f'{x:.0%}' for x in walls)}"
        f" (median {statistics.median(walls):.0%}; while open {', '.join(f'{x:.0%}' for x in opens)}, median"
        f" {statistics.median(opens) if opens else float('nan'):.0%}); the table is round {r['reported_round']},"
        " the median one"
    )


def cpu_budget(r: dict, cores: int, share: float = 0.6) -> float | None:
    """The CPU a page of all the full crawler's processes may cost for `share` of the bare spider's pages
    a second while both are open, when the crawl keeps every core busy: cores / (share × bare pages/s)."""
    bare = r["bare"].get("pages_per_s_open")
    return round(cores * 1000 / (share * bare), 2) if bare else None


def open_seconds(stats: dict) -> float | None:
    """How long the spider was open (Scrapy's `elapsed_time_seconds`): the crawl without the start-up
    before it (imports, settings, the database) and the exit after it."""
    try:
        seconds = float(stats["elapsed_time_seconds"])
    except (KeyError, TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def open_ratio(bare: dict, full: dict) -> float | None:
    """Full over bare in pages a second while each spider was open: the per-page cost alone. Over the
    wall clock, each process's fixed start-up and exit (1.5-2 s here) are a larger share of the bare
    spider's shorter run, and make the full crawler look closer to it than its pages cost."""
    if not bare.get("pages_per_s_open") or not full.get("pages_per_s_open"):
        return None
    return round(full["pages_per_s_open"] / bare["pages_per_s_open"], 3)


def _summary(run: dict, pages: int, open_s: float | None = None) -> dict:
    return {
        "pages": pages,
        "wall_s": round(run["wall_s"], 2),
        "pages_per_s": round(pages / run["wall_s"], 1),
        "open_s": round(open_s, 2) if open_s else None,
        "pages_per_s_open": round(pages / open_s, 1) if open_s else None,
        "cpu_s_per_1000_pages": round(run["cpu_s"] / pages * 1000, 2),
        "main_thread_cpu_s_per_1000_pages": round((run["cpu_s"] - run.get("threads_cpu_s", 0.0)) / pages * 1000, 2),
        "worker_cpu_s_per_1000_pages": round(run["workers_cpu_s"] / pages * 1000, 2),
        "peak_rss_mb": round(run["peak_rss_mb"], 1),
        "peak_pss_all_processes_mb": round(run["peak_rss_all_mb"], 1),
        "server_cpu_s": round(run["server_cpu_s"], 2),
        "exit_status": run["exit_status"],
    }


def report(r: dict) -> str:
    b, f, s = r["bare"], r["full"], r["stages_ms_per_article"]
    traf = f"{s['trafilatura_ms']:.2f}" if s.get("trafilatura_ms") is not None else "n/a"
    lines = [
        f"N={r['n']} articles ({r['site']['listing_pages']} listing pages, {r['site']['old_layout']} old-layout, "
        f"{r['site']['scripted']} script-written); {r['machine']['cpus']} × {r['machine']['processor']}, "
        f"Python {r['machine']['python']}" + "".join(f"; {k}={v}" for k, v in r.get("settings", {}).items()),
        f"{'':24}{'pages':>7}{'pages/s':>9}{'CPU s/1000 p':>14}{'+workers':>10}{'peak RSS MB':>13}{'nginx CPU s':>13}",
        f"{'1. bare Scrapy spider':24}{b['pages']:>7}{b['pages_per_s']:>9}{b['cpu_s_per_1000_pages']:>14}"
        f"{b['worker_cpu_s_per_1000_pages']:>10}{b['peak_rss_mb']:>13}{b['server_cpu_s']:>13}",
        f"{'2. full crawler':24}{f['pages']:>7}{f['pages_per_s']:>9}{f['cpu_s_per_1000_pages']:>14}"
        f"{f['worker_cpu_s_per_1000_pages']:>10}{f['peak_rss_mb']:>13}{f['server_cpu_s']:>13}",
        f"ratio full/bare: {r['ratio_pages_per_s']:.0%} of the pages per second; CPU per page: crawl process "
        f"{r['ratio_cpu_per_page']:.0%} of the bare engine's efficiency, with its workers "
        f"{r['ratio_cpu_per_page_all']:.0%}",
        open_line(r),
        budget_line(r),
        f"per article (ms, sample of {s['sample']}): load+clean {s['load_ms']:.2f}, figures+documents "
        f"{s['figures_ms']:.2f} ({s['figures_per_article']:.1f} figures), SQLite write {s['sqlite_ms']:.2f}, "
        f"trafilatura (reference) {traf}",
        f"peak memory of the full crawler's processes together (crawl, forkserver, workers; PSS): "
        f"{f['peak_pss_all_processes_mb']} MB",
        "garbage collector of the crawl process (threshold; collections; CPU s): "
        + "; ".join(
            f"{name} {g['threshold']}, {g['collections']}, {g['seconds']:.2f}"
            for name, g in (("bare", b["gc"]), ("full", f["gc"]))
        ),
        store_line(r),
        f"stored {f['articles_stored']} articles, {f['figures_stored']} figures; "
        f"database {r['db_bytes_per_1000_articles'] / 1e6:.2f} MB per 1,000 articles",
    ]
    if (line := rounds_line(r)) is not None:
        lines.insert(4, line)
    return "\n".join(lines)


def open_line(r: dict) -> str:
    b, f = r["bare"], r["full"]
    if r.get("ratio_pages_per_s_open") is None:
        return "while the spiders were open: not known (a crawl's stats lack elapsed_time_seconds)"
    return (f"while the spiders were open (start-up and exit left out: {b['wall_s'] - b['open_s']:.1f} s bare, "
            f"{f['wall_s'] - f['open_s']:.1f} s full): bare {b['pages_per_s_open']} pages/s, full "
            f"{f['pages_per_s_open']}, {r['ratio_pages_per_s_open']:.0%}")  # fmt: skip


def store_line(r: dict) -> str:
    f = r["full"]
    store, pages = f.get("store") or {}, f["pages"]
    if not store.get("wall_s"):
        return "the crawl process's SQLite writes: not recorded"
    return (f"the crawl process's SQLite writes (its batches, in its one thread): {store['cpu_s'] / pages * 1000:.2f} "
            f"CPU ms a page, {store['wall_s'] / pages * 1000:.2f} ms of wall-clock time a page")  # fmt: skip


def budget_line(r: dict) -> str:
    f = r["full"]
    spent = f["cpu_s_per_1000_pages"] + f["worker_cpu_s_per_1000_pages"]
    main = f.get("main_thread_cpu_s_per_1000_pages")
    split = (f" (crawl process {f['cpu_s_per_1000_pages']:.2f}: main thread {main:.2f}, other threads "
             f"{f['cpu_s_per_1000_pages'] - main:.2f}; workers {f['worker_cpu_s_per_1000_pages']:.2f})"
             if main is not None else "")  # fmt: skip
    if r.get("cpu_budget_ms_per_page") is None:
        return f"CPU ms a page of all the full crawler's processes: {spent:.2f}{split}"
    cores = r.get("cpu_budget_cores") or r["machine"]["cpus"]
    return (f"CPU ms a page of all the full crawler's processes: {spent:.2f}{split}; 60% of the bare spider "
            f"while open allows {r['cpu_budget_ms_per_page']:.2f} on {cores} cores")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="articles in the generated site (default 5000)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--sample", type=int, default=300, help="pages timed per stage (default 300)")
    parser.add_argument(
        "--workers", default="auto", help="WORKER_PROCESSES of the full crawler (default: the crawler's own, auto)"
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="crawls of each spider, in turns; the median round is reported (default 1)")  # fmt: skip
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a setting of both spiders (repeatable), e.g. --set GC_THRESHOLD=0")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        settings = setting_pairs(args.set)
    except ValueError as exc:
        parser.error(f"--set takes NAME=VALUE: {exc}")
    if (problem := settings_problem(settings)) is not None:
        parser.error(f"--set: {problem}")
    if args.n < 1:
        parser.error("-n must be at least 1")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-"))
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # nginx's worker runs as another user: it must be able to read the site
    try:
        result = benchmark(args.n, work, args.sample, args.workers, settings, args.rounds)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
