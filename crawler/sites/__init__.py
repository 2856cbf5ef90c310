"""The newspapers the crawler knows, one module each (see the README, "Adding a second paper")."""

from __future__ import annotations

from crawler.site import Site
from crawler.sites import baothanhhoa

SITES: dict[str, Site] = {site.name: site for site in (baothanhhoa.SITE,)}


def get_site(name: str) -> Site:
    try:
        return SITES[name]
    except KeyError:
        raise KeyError(f"no site named {name!r}; known: {', '.join(sorted(SITES))}") from None
