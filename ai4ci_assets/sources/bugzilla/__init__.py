"""The bugzilla source."""
