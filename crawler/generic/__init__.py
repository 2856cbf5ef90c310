"""The loader's generic stage: any news page read without its site's selectors (reading.py), with
the vocabulary of Vietnamese news pages as data (vocabulary.py)."""

from crawler.generic.reading import GenericReading

__all__ = ["GenericReading"]
