"""The github source."""
