"""`python -m demo` (`make demo`): serve the bundled sample site on 127.0.0.1, crawl it, summarize the database."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from crawler.storage import close_database, open_database
from demo.crawl import crawl_command
from demo.server import PROJECT_ROOT, SAMPLE_SITE, serve


def summary(db_path: str | Path) -> str:
    db = open_database(db_path)
    try:
        lines = [f"database: {db_path}"]
        run = next(db.query("select * from crawl_runs order by id desc limit 1"), None)
        if run:
            lines.append(
                f"last run #{run['id']}: {run['finish_reason']}, {run['pages']} pages, "
                f"{run['articles_new']} new, {run['articles_changed']} changed, "
                f"{run['articles_unchanged']} unchanged, {run['articles_duplicate']} duplicate links, "
                f"{run['errors']} errors, {run['failures']} failed pages; health {run['health']}"
                + (f" ({run['health_reasons']})" if run["health_reasons"] else "")
            )
        lines.append(f"articles: {db['articles'].count}")
        for row in db.query("select extraction_status, count(*) n from articles group by 1 order by 2 desc"):
            lines.append(f"  {row['extraction_status']}: {row['n']}")
        for name in ("figures", "documents"):
            if db[name].exists():
                lines.append(f"{name}: {db[name].count}")
        lines.append("newest articles:")
        for row in db.query("select id, published_at, title from articles order by published_at desc limit 5"):
            lines.append(
                f"  {row['published_at'][:10] if row['published_at'] else '?':10}  {row['id']}  {row['title']}"
            )
        return "\n".join(lines)
    finally:
        close_database(db)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl the bundled sample site into SQLite and summarize it.")
    parser.add_argument("--db", default=str(PROJECT_ROOT / "data" / "demo.db"), help="database (default data/demo.db)")
    parser.add_argument("--site", type=Path, default=SAMPLE_SITE, help="folder of pages to serve (default demo/site/)")
    parser.add_argument("--sections", default="xay-dung-dang,chinh-tri", help="sections to crawl")
    args = parser.parse_args(argv)
    with serve(args.site) as (base_url, state):
        print(f"serving {args.site} at {base_url}", flush=True)
        cmd = crawl_command(base_url, args.db, spider_args={"sections": args.sections})
        result = subprocess.run(cmd, cwd=PROJECT_ROOT, check=False)
        print(f"crawl exit status {result.returncode}; the server answered {len(state.requests)} requests")
    print(summary(args.db))
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
