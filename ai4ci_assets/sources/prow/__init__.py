"""The prow source."""
