"""Errors a person is expected to read: one line saying what is wrong, and a hint.

The CLI prints these without a traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class Ai4ciError(Exception):
    """An expected failure with a message and a hint on what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} (hint: {self.hint})" if self.hint else message


class SettingsError(Ai4ciError):
    """A setting is missing or has a value that cannot be used."""


class UnsafeKeyError(Ai4ciError):
    """An object key would escape its prefix or is not a valid key at all."""


class LakeUnreachableError(Ai4ciError):
    """The object store's endpoint does not answer."""


class LakeAccessDeniedError(Ai4ciError):
    """The object store answered but refused the credentials."""


class CatalogUnreachableError(Ai4ciError):
    """The Iceberg catalog's database cannot be opened."""


class SchemaEvolutionError(Ai4ciError):
    """A table's declared schema cannot be reached from the stored one without losing data."""


class SqlFileError(Ai4ciError):
    """A SQL file is missing, unparseable, or called with the wrong parameters."""


class StackError(Ai4ciError):
    """A local service of the `stack` profile failed to start, stop or answer."""
