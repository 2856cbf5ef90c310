"""Item pipelines, one a file, each a thin class around a pure function."""
