"""ai4ci: a CI analytics lakehouse built as Dagster software-defined assets."""

__version__ = "0.1.0"
