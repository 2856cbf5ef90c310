"""The house: the installed package holds what a crawl needs and its Datasette configuration,
nothing of the tools around it; what is particular to the paper is in its site module."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from glob import glob

import pytest
from setuptools import find_packages

from demo.server import PROJECT_ROOT

RUNTIME = ("crawler", "crawler.commands", "crawler.figures", "crawler.sites", "spiders", "pipelines")
TOOLS = ("demo", "bench", "evaluation", "tests")


def test_the_package_installs_the_runtime_and_its_datasette_configuration_only():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    packages = set(find_packages(str(PROJECT_ROOT), include=config["packages"]["find"]["include"]))
    assert set(RUNTIME) <= packages
    assert not {p for p in packages if p.split(".")[0] in TOOLS}
    data = [f for pattern in config["package-data"]["crawler"] for f in glob(str(PROJECT_ROOT / "crawler" / pattern))]
    assert {"metadata.json", "chart.html"} <= {f.rsplit("/", 1)[1] for f in data}
    assert config.get("script-files") is None
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts == {"baothanhhoa": "crawler.cli:main"}


def test_nothing_outside_the_site_module_names_the_paper():
    """Hosts, selectors and URL patterns of baothanhhoa.vn live in crawler/sites/ alone."""
    found = subprocess.run(
        ["grep", "-rnE", r"baothanhhoa\.vn|article__|story-list|\.htm\b", "crawler", "spiders", "pipelines",
         "--include=*.py"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    ).stdout.splitlines()  # fmt: skip
    assert [line for line in found if not line.startswith("crawler/sites/")] == []


def test_one_command_runs_the_tools():
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "crawler.cli", *args], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    listed = run("--help")
    assert listed.returncode == 0
    assert all(name in listed.stdout for name in ("figures", "reextract", "migrate", "browse", "score"))
    unknown = run("frobnicate")
    assert unknown.returncode == 2 and "unknown subcommand 'frobnicate'" in unknown.stderr
    metrics = run("figures", "--metrics")
    assert metrics.returncode == 0 and metrics.stdout.startswith("members_total\t")
    score = run("score", str(PROJECT_ROOT / "evaluation" / "gold" / "dev.jsonl"))
    assert score.returncode == 0 and '"f1": 1.0' in score.stdout


def test_the_benchmark_s_stages_run_on_a_generated_site(tmp_path):
    """The benchmark lives outside the runtime: it must still call the runtime as it now is."""
    from bench.__main__ import stage_costs
    from bench.sitegen import generate

    generate(tmp_path / "site", 6)
    timings = stage_costs(tmp_path / "site", 6, tmp_path)
    assert timings["sample"] == 6 and timings["load_ms"] > 0 and timings["figures_per_article"] > 0


def test_the_profile_report_charges_built_ins_to_their_callers(tmp_path):
    import cProfile
    import pstats

    from bench.profile import breakdown, main, report
    from crawler.figures import extract_rows

    profile = cProfile.Profile()
    profile.runcall(extract_rows, "Đảng bộ xã Thọ Phú có 14 chi bộ với 412 đảng viên. " * 40)
    stats = pstats.Stats(profile)
    shares = dict(breakdown(stats))
    assert abs(sum(shares.values()) - 1) < 1e-6
    # The reader's regex searches and isinstance calls are the reader's cost, not "other".
    assert max(shares, key=shares.get).startswith("our spider")
    assert shares.get("other (Python built-ins, urllib, logging, …)", 0) < 0.05
    assert "top 5 functions by own time:" in report(stats, 2000, "auto", 5)
    profile.dump_stats(tmp_path / "p.prof")
    assert main(["--read", str(tmp_path / "p.prof"), "--top", "3"]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["--read", str(tmp_path / "missing.prof")])
    assert exc.value.code == 2


def test_the_wall_clock_profile_reads_the_main_thread_s_samples(tmp_path):
    """py-spy's raw lines: a thread, its frames, a count. Waiting in the selector is idle; a C call's
    samples (SQLite's executemany) are charged to the line of ours that made it."""
    from bench.profile import wall_report

    samples = tmp_path / "crawl.spy"
    samples.write_text(
        "thread (1): MainThread;run (scrapy/crawler.py:9);select (selectors.py:468) 25\n"
        "thread (1): MainThread;run (scrapy/crawler.py:9);replace_extractions_batch (crawler/storage.py:578) 50\n"
        "thread (1): MainThread;run (scrapy/crawler.py:9);_next_request (scrapy/core/engine.py:20) 25\n"
        "thread (2): Thread-1;_bootstrap (threading.py:1002);wait (threading.py:327) 900\n"
        "a line that is no sample\n",
        encoding="utf-8",
    )
    report = wall_report(samples, 1)
    assert "100 samples, busy 75.0% of its wall-clock time" in report
    assert "50.0%  SQLite (storage, sqlite-utils, the C calls)" in report
    assert "25.0%  Scrapy engine, downloader, middlewares" in report
    assert report.endswith("50.0%  replace_extractions_batch (crawler/storage.py:578)")
    (tmp_path / "empty.spy").write_text("", encoding="utf-8")
    assert wall_report(tmp_path / "empty.spy", 3) == "no samples of the crawl's main thread"


def test_the_a_b_benchmark_crawls_the_sources_of_each_revision(tmp_path):
    """`bench.ab` compares two trees: each must be the revision's own sources, or the A/B is A/A."""
    import subprocess

    from bench.ab import main, source_tree

    assert source_tree(".", tmp_path) == PROJECT_ROOT
    assert source_tree(str(tmp_path), tmp_path) == tmp_path.resolve()
    head = source_tree("HEAD", tmp_path)
    committed = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "show", "HEAD:crawler/workers.py"], capture_output=True, check=True
    ).stdout
    assert head != PROJECT_ROOT and (head / "crawler" / "workers.py").read_bytes() == committed
    assert (head / "scrapy.cfg").exists()  # the crawl runs in it, with its own settings
    with pytest.raises(SystemExit, match="not a revision or folder: no-such-revision"):
        source_tree("no-such-revision", tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["HEAD", ".", "--rounds", "0"])
    assert exc.value.code == 2


def test_the_parts_benchmark_switches_off_the_crawler_s_own_parts():
    """`bench.parts` says what a part costs by crawling without it: its switches must be the crawler's."""
    import json

    from bench.parts import STORE, VARIANTS, main
    from crawler import defaults, settings

    without_store = json.loads(VARIANTS["no SQLite"]["ITEM_PIPELINES"])
    assert STORE in settings.ITEM_PIPELINES and set(settings.ITEM_PIPELINES) - set(without_store) == {STORE}
    switched = {key for variant in VARIANTS.values() for key in variant} - {"ITEM_PIPELINES"}
    assert switched <= set(defaults.DEFAULTS)
    with pytest.raises(SystemExit) as exc:
        main(["--rounds", "0"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gc-20k:GC_THRESHOLD=20000", ("gc-20k", {"GC_THRESHOLD": "20000"})),
        ("two:A=1,B=x=y", ("two", {"A": "1", "B": "x=y"})),
        ("no-settings:", None),
        ("GC_THRESHOLD=0", None),
        (":A=1", None),
        ("half:A=1,B", None),
    ],
)
def test_a_parts_variant_is_a_label_and_settings(text, expected):
    import argparse

    from bench.parts import variant

    if expected is None:
        with pytest.raises(argparse.ArgumentTypeError):
            variant(text)
    else:
        assert variant(text) == expected


def test_the_loader_benchmark_loads_pages_for_an_instruction_count():
    from bench.loader import main

    assert main(["--count", "1", "--articles", "3"]) == 0
    with pytest.raises(SystemExit) as exc:
        main(["--count", "3", "--articles", "3"])
    assert exc.value.code == 2


def test_the_benchmark_refuses_no_rounds():
    from bench.__main__ import main

    with pytest.raises(SystemExit) as exc:
        main(["-n", "1", "--rounds", "0"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({}, None),
        ({"FIGURES_ENABLED": "false"}, None),
        ({"ITEM_PIPELINES": '{"pipelines.store.StorePipeline": 900}'}, None),
        ({"ITEM_PIPELINES": "{}"}, "must keep pipelines.store.StorePipeline"),
        ({"ITEM_PIPELINES": '["pipelines.store.StorePipeline"]'}, "must keep pipelines.store.StorePipeline"),
        ({"ITEM_PIPELINES": "{oops"}, "not a JSON object"),
        ({"SQLITE_DB": "/tmp/x.db"}, "SQLITE_DB is the benchmark's own"),
    ],
)
def test_the_benchmark_refuses_settings_that_leave_no_database_to_read(settings, problem, capsys):
    """The full crawl is read from its database: without the store the benchmark ended, a minute in,
    in a traceback (`no such table: crawl_runs`); it now says why before it starts, with status 2."""
    from bench.__main__ import main, settings_problem

    found = settings_problem(settings)
    if problem is None:
        assert found is None
        return
    assert problem in found
    with pytest.raises(SystemExit) as exc:
        main(["-n", "1", *(f"--set={name}={value}" for name, value in settings.items())])
    assert exc.value.code == 2 and problem in capsys.readouterr().err


def test_the_benchmark_reports_every_round_and_the_median():
    from bench.__main__ import rounds_line

    assert rounds_line({"ratio_pages_per_s": 0.5}) is None  # one round: nothing more to say
    ratios = ((0.44, 0.38), (0.65, 0.57), (0.48, None))
    rounds = [{"ratio_pages_per_s": w, "ratio_pages_per_s_open": o} for w, o in ratios]
    line = rounds_line({"rounds": rounds, "reported_round": 3})
    assert line.startswith("3 rounds, bare and full in turns: full/bare 44%, 65%, 48% (median 48%;")
    assert "while open 38%, 57%, median 48%" in line and line.endswith("the table is round 3, the median one")


@pytest.mark.parametrize("pair", ["GC_THRESHOLD", "=5", " =5"])
def test_the_benchmark_refuses_a_setting_without_a_name_and_a_value(pair):
    from bench.__main__ import main

    with pytest.raises(SystemExit) as exc:
        main(["-n", "1", "--set", pair])
    assert exc.value.code == 2


@pytest.mark.parametrize("variants", [["full crawler:GC_THRESHOLD=0"], ["gc:GC_THRESHOLD=0", "gc:GC_THRESHOLD=20000"]])
def test_the_parts_benchmark_refuses_variants_that_would_hide_one_another(variants):
    from bench.parts import main

    with pytest.raises(SystemExit) as exc:
        main([arg for variant in variants for arg in ("--variant", variant)])
    assert exc.value.code == 2


def test_the_sameness_check_tells_a_reader_that_reads_one_word_differently(tmp_path, capsys):
    """`bench.same` is what says a change made for speed kept every figure: it must see a change."""
    import shutil

    from bench.same import corpus, main

    texts = corpus(3)
    assert len(texts) > 200 and sum("Đảng bộ" in t["body"] for t in texts) >= 3  # gold sets, tests, articles
    assert main([".", ".", "-n", "3"]) == 0
    assert " read the same" in capsys.readouterr().out
    changed = tmp_path / "changed"
    shutil.copytree(PROJECT_ROOT / "crawler", changed / "crawler", ignore=shutil.ignore_patterns("__pycache__"))
    vocabulary = changed / "crawler" / "figures" / "vocabulary.py"
    source = vocabulary.read_text(encoding="utf-8")
    assert source.count('"kết nạp"') >= 1
    vocabulary.write_text(source.replace('"kết nạp"', '"kết nạp lại"'), encoding="utf-8")  # admissions go unread
    assert main([".", str(changed), "-n", "3", "--show", "1"]) == 1
    out = capsys.readouterr().out
    assert "members_new" in out and out.count("\ntext ") == 1


def test_the_loader_benchmark_compares_the_class_index_with_xpath_and_puts_it_back(capsys):
    from bench.loader import main
    from crawler.loaders import Page

    select = Page.select
    assert main(["--rounds", "1", "--articles", "5", "--teasers", "20"]) == 0
    assert Page.select is select  # the crawler is left as it was
    rows = capsys.readouterr().out.splitlines()
    assert "index ms" in rows[0] and "XPath ms" in rows[0]
    assert len(rows) == 6 and rows[3].startswith("sample page + 20 teasers") and "layout unknown" in rows[4]
    assert "20 one-link teasers, unknown" in rows[5]


@pytest.mark.parametrize(
    ("a", "b", "medians", "paired"),
    [
        ([300, 250, 200, 150], [330, 275, 220, 165], 1.1, 1.1),  # the machine slows; B 10% faster throughout
        ([300, 150, 240], [330, 165, 200], 0.83, 1.1),  # one B crawl caught a slow minute of the machine
        ([200, 200, 200], [180, 180, 180], 0.9, 0.9),
    ],
)
def test_the_round_by_round_ratio_is_moved_by_no_single_slow_crawl(a, b, medians, paired):
    import math
    import statistics

    from bench.ab import paired_ratio

    rows_a, rows_b = [{"pages/s": float(v)} for v in a], [{"pages/s": float(v)} for v in b]
    assert statistics.median(b) / statistics.median(a) == pytest.approx(medians, abs=0.005)
    assert paired_ratio(rows_a, rows_b, "pages/s") == pytest.approx(paired)
    with pytest.raises(ValueError):
        paired_ratio(rows_a, rows_b[:-1], "pages/s")  # a round without its pair
    zero = [{"pages/s": 0.0} for _ in a]  # the workers' CPU of a crawl without workers
    assert math.isnan(paired_ratio(zero, rows_b, "pages/s"))


def test_the_benchmark_s_bare_spider_records_no_run_in_the_project_s_database(site, tmp_path):
    """It runs with the project's settings; with the project's SQLITE_DB it recorded a run of its own
    in data/baothanhhoa.db at every benchmark."""
    import json

    from bench.__main__ import SETTINGS, bare_command

    project_db = PROJECT_ROOT / "data" / "baothanhhoa.db"

    def state() -> tuple | None:
        return (project_db.stat().st_mtime_ns, project_db.stat().st_size) if project_db.exists() else None

    before = state()
    cmd = bare_command(site[0], tmp_path / "stats.json", SETTINGS)
    done = subprocess.run([*cmd, "-a", "max_pages=1"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((tmp_path / "stats.json").read_text())["response_received_count"] > 1
    assert state() == before


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({"elapsed_time_seconds": 12.5}, 12.5),
        ({"elapsed_time_seconds": "15.63"}, 15.63),  # the full crawler's run_stats hold text
        ({"elapsed_time_seconds": 0}, None),
        ({"elapsed_time_seconds": "n/a"}, None),
        ({}, None),
    ],
)
def test_the_benchmark_reads_how_long_a_spider_was_open(stats, expected):
    from bench.__main__ import open_seconds

    assert open_seconds(stats) == expected


def test_the_benchmark_compares_the_spiders_while_they_were_open():
    """Start-up and exit are a larger share of the bare spider's shorter run: over the wall clock the
    full crawler looks closer to it than over the time the spiders were open."""
    from bench.__main__ import _summary, open_line, open_ratio

    run = {"cpu_s": 1.0, "workers_cpu_s": 0.0, "peak_rss_mb": 1.0, "peak_rss_all_mb": 1.0, "server_cpu_s": 0.0,
           "exit_status": 0}  # fmt: skip
    bare = _summary({**run, "wall_s": 7.0}, 3150, open_s=5.25)
    full = _summary({**run, "wall_s": 17.5}, 3150, open_s=15.75)
    assert (bare["pages_per_s"], bare["pages_per_s_open"]) == (450.0, 600.0)
    assert (full["pages_per_s"], full["pages_per_s_open"]) == (180.0, 200.0)
    assert open_ratio(bare, full) == 0.333  # 0.4 over the wall clock
    line = open_line({"bare": bare, "full": full, "ratio_pages_per_s_open": open_ratio(bare, full)})
    assert "1.8 s bare, 1.8 s full" in line and line.endswith("33%")
    unknown = _summary({**run, "wall_s": 7.0}, 3150)
    assert unknown["pages_per_s_open"] is None and open_ratio(unknown, full) is None
    assert "not known" in open_line({"bare": unknown, "full": full, "ratio_pages_per_s_open": None})


def test_the_benchmark_says_what_cpu_a_page_may_cost_for_the_goal():
    """60% of the bare spider's pages a second, with every core busy, allows cores / (0.6 × its pages a
    second) of CPU a page of all the crawler's processes; the crawl process's threads are told apart."""
    from bench.__main__ import _summary, budget_line, cpu_budget

    run = {"cpu_s": 6.0, "workers_cpu_s": 9.0, "peak_rss_mb": 1.0, "peak_rss_all_mb": 1.0, "server_cpu_s": 0.0,
           "exit_status": 0}  # fmt: skip
    bare = _summary({**run, "wall_s": 4.0, "workers_cpu_s": 0.0}, 3000, open_s=3.0)
    full = _summary({**run, "wall_s": 12.0, "threads_cpu_s": 0.6}, 3000, open_s=10.0)
    r = {"bare": bare, "full": full, "machine": {"cpus": 2}}
    assert cpu_budget(r, 2) == 3.33  # 2 cores × 1000 / (0.6 × 1,000 pages/s)
    assert cpu_budget(r, 4) == 6.67 and cpu_budget({"bare": {"pages_per_s_open": None}}, 2) is None
    assert full["main_thread_cpu_s_per_1000_pages"] == 1.8 and full["cpu_s_per_1000_pages"] == 2.0
    line = budget_line({**r, "cpu_budget_ms_per_page": cpu_budget(r, 2)})
    assert line.startswith("CPU ms a page of all the full crawler's processes: 5.00")
    assert "main thread 1.80, other threads 0.20; workers 3.00" in line and line.endswith("allows 3.33 on 2 cores")
    in_a_container = budget_line({**r, "cpu_budget_ms_per_page": cpu_budget(r, 1), "cpu_budget_cores": 1})
    assert in_a_container.endswith("allows 1.67 on 1 cores")  # the cores the crawl may use, not the host's
    old = {k: v for k, v in full.items() if k != "main_thread_cpu_s_per_1000_pages"}  # a JSON of before
    assert budget_line({"full": old, "cpu_budget_ms_per_page": None}).endswith(": 5.00")


def test_the_benchmark_says_what_the_crawl_s_writes_cost_a_page():
    from bench.__main__ import _store, store_line

    stored = _store({"pipeline/store/cpu_seconds": "0.8", "pipeline/store/seconds": "1.0"})
    assert stored == {"cpu_s": 0.8, "wall_s": 1.0}
    line = store_line({"full": {"pages": 2000, "store": stored}})
    assert line.endswith("0.40 CPU ms a page, 0.50 ms of wall-clock time a page")
    assert store_line({"full": {"pages": 2000, "store": _store({})}}).endswith("not recorded")
    assert store_line({"full": {"pages": 2000}}).endswith("not recorded")  # a JSON of before


def test_the_benchmark_reads_each_thread_s_cpu_of_a_process():
    import threading

    from bench.__main__ import _thread_cpu

    stop = threading.Event()
    spinner = threading.Thread(target=lambda: [None for _ in iter(lambda: stop.is_set(), True)], daemon=True)
    spinner.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            seen = _thread_cpu(os.getpid())
            others = {tid: cpu for tid, cpu in seen.items() if tid != os.getpid()}
            if any(cpu > 0 for cpu in others.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        spinner.join()
    assert os.getpid() in seen and any(cpu > 0 for cpu in others.values())
    assert _thread_cpu(2**22 + 1) == {}  # no such process


def test_the_page_benchmark_splits_the_step_and_runs_it_in_workers(capsys):
    from bench.page import STAGES, main

    assert main(["-n", "4", "--rounds", "1", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 article pages") and all(f"  {stage} " in out for stage in STAGES)
    assert "in a pool of 1 workers: their CPU" in out
    with pytest.raises(SystemExit) as exc:
        main(["-n", "0"])
    assert exc.value.code == 2


def test_the_store_benchmark_drops_only_what_each_variant_names(tmp_path, capsys):
    from bench.store import FIGURE_QUERY_INDEXES, SEARCH_TRIGGERS, VARIANTS, main
    from crawler.storage import open_database

    def schema(variant: str) -> set[str]:
        db = open_database(tmp_path / f"{variant.replace(' ', '-')}.db")
        try:
            VARIANTS[variant](db)
            return {name for (name,) in db.execute("select name from sqlite_master where type in ('trigger', 'index')")}
        finally:
            db.close()

    whole = schema("as is")
    assert set(SEARCH_TRIGGERS) | set(FIGURE_QUERY_INDEXES) | {"idx_figures_article_id"} <= whole
    assert schema("without the search index") == whole - set(SEARCH_TRIGGERS)
    assert schema("without the figures' query indexes") == whole - set(FIGURE_QUERY_INDEXES)
    assert schema("without either") == whole - set(SEARCH_TRIGGERS) - set(FIGURE_QUERY_INDEXES)
    assert main(["-n", "4", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("4 articles (") and all(name in out for name in VARIANTS)


def test_the_store_benchmark_grows_one_database_a_variant_and_reports_fifths(tmp_path, capsys):
    from bench.store import GROWTH_VARIANTS, articles, grow, main
    from crawler.storage import open_database

    items = articles(3)
    result = grow(tmp_path / "g.db", items, 10, "as is", 2)
    assert len(result["fifths"]) == 5 and all(v > 0 for v in result["fifths"])
    assert result["written_mb"] > 0 and result["size_mb"] > 0
    db = open_database(tmp_path / "g.db")
    try:  # ten articles of three, each under an id of its own, with their figures
        assert db.execute("select count(*), count(distinct id) from articles").fetchone() == (10, 10)
        assert db.execute("select count(distinct article_id) from figures").fetchone()[0] == 10
    finally:
        db.close()
    assert main(["-n", "3", "--grow", "10", "--batch", "2"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in GROWTH_VARIANTS) and out.count(" written ") == len(GROWTH_VARIANTS)
    with pytest.raises(SystemExit) as exc:
        main(["-n", "3", "--grow", "9", "--batch", "2"])  # fewer than five batches: no fifths to report
    assert exc.value.code == 2


def test_the_benchmark_s_peak_memory_is_the_crawl_s_own_not_the_benchmark_s():
    """A child exec'd from the benchmark's process inherits that process's peak in `ru_maxrss`: with the
    generated site in memory, the crawl and the bare spider reported the benchmark's size."""
    from bench.__main__ import run_measured

    class NoServer:
        def cpu(self) -> float:
            return 0.0

    ballast = bytearray(300 * 2**20)
    ballast[:: 2**12] = b"x" * len(range(0, len(ballast), 2**12))  # every page touched: resident
    run = run_measured([sys.executable, "-c", "import time; time.sleep(1)"], NoServer())
    del ballast
    assert run["exit_status"] == 0
    assert 0 < run["peak_rss_mb"] < 150  # a bare Python, not this process's 300 MB and more
