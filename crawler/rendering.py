"""Render, in headless Chromium, the pages whose body only the page's own script can write.

An add-on (Scrapy's ADDONS) that routes requests marked `meta["playwright"]` through
scrapy-playwright, driving Debian's `chromium` (no browser download). Every other request keeps
Scrapy's own download handler. Without a browser the add-on stays off, the crawl goes on, and
those articles are stored with the status `needs_rendering`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# The flags a headless Chromium needs as root on a machine with no network but the site.
CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
]
BLOCKED_RESOURCES = {"image", "media", "font", "stylesheet"}


def find_chromium(configured: str | None) -> str | None:
    for candidate in (configured, "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def abort_request(request: Any) -> bool:
    """Images, fonts and styles are not the article: never fetch them while rendering."""
    return request.resource_type in BLOCKED_RESOURCES


class RenderingAddon:
    """Turns rendering on when RENDER_ENABLED allows it and a Chromium is installed."""

    def update_settings(self, settings: BaseSettings) -> None:
        mode = str(settings.get("RENDER_ENABLED")).lower()
        chromium = find_chromium(settings.get("CHROMIUM_PATH"))
        active = mode in ("auto", "true", "1", "yes") and chromium is not None
        if mode in ("true", "1", "yes") and chromium is None:
            raise RuntimeError("RENDER_ENABLED is on but no Chromium was found (apt-get install chromium)")
        settings.set("RENDERING_ACTIVE", active, priority="addon")
        if not active:
            return
        try:
            import scrapy_playwright  # noqa: F401
        except ImportError:
            settings.set("RENDERING_ACTIVE", False, priority="addon")
            return
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        handlers.update({"http": HANDLER, "https": HANDLER})
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="addon")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="addon")
        settings.set(
            "PLAYWRIGHT_LAUNCH_OPTIONS",
            {"executable_path": chromium, "headless": True, "chromium_sandbox": False, "args": CHROMIUM_ARGS},
            priority="addon",
        )
        settings.set("PLAYWRIGHT_ABORT_REQUEST", abort_request, priority="addon")
        settings.set("PLAYWRIGHT_MAX_CONTEXTS", 1, priority="addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 2, priority="addon")
