"""Crawl Báo Thanh Hóa's party-building news into SQLite, with the figures it reports."""

__version__ = "0.1.0"
