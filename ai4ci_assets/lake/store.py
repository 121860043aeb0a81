"""The object store under the lake: a local directory or an S3 bucket (Ceph RGW in `stack`).

One small interface over `pyarrow.fs`, so the same code writes to a laptop directory and to
Ceph. Every key passes `check_key`, so nothing outside the lake root can be touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlparse

import pyarrow.fs as pafs

from ai4ci_assets.errors import LakeAccessDeniedError, LakeUnreachableError
from ai4ci_assets.lake.keys import check_key, raw_payload_key
from ai4ci_assets.settings import Settings

# radosgw 16 rejects the checksum headers newer AWS SDKs send by default (HTTP 411);
# "when_required" restores the older behaviour. Set when an S3 store is built, not at import.
_AWS_CHECKSUM_ENV = {
    "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
    "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
}
_UNREACHABLE_MARKERS = ("NETWORK_CONNECTION", "curlCode: 7", "Couldn't connect", "timed out")
_DENIED_MARKERS = ("ACCESS_DENIED", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403")


def prepare_s3_environment() -> None:
    for name, value in _AWS_CHECKSUM_ENV.items():
        os.environ.setdefault(name, value)


@dataclass(frozen=True)
class ObjectStore:
    """Objects under `root` of `filesystem`; `uri` is the same place as a URL for Iceberg."""

    filesystem: pafs.FileSystem
    root: str
    uri: str
    description: str

    @classmethod
    def from_settings(cls, settings: Settings) -> ObjectStore:
        if not settings.uses_s3:
            root = settings.local_lake_root
            root.mkdir(parents=True, exist_ok=True)
            return cls(pafs.LocalFileSystem(), str(root), root.as_uri(), f"directory {root}")
        return cls.for_s3(
            endpoint=settings.s3_endpoint,
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            access_key=settings.s3_access_key.reveal(),
            secret_key=settings.s3_secret_key.reveal(),
        )

    @classmethod
    def for_s3(
        cls, *, endpoint: str, bucket: str, region: str, access_key: str, secret_key: str
    ) -> ObjectStore:
        prepare_s3_environment()
        parsed = urlparse(endpoint)
        filesystem = pafs.S3FileSystem(
            endpoint_override=parsed.netloc,
            scheme=parsed.scheme,
            region=region,
            access_key=access_key,
            secret_key=secret_key,
            allow_bucket_creation=True,
            connect_timeout=3,
            request_timeout=60,
            retry_strategy=pafs.AwsStandardS3RetryStrategy(max_attempts=3),
        )
        return cls(filesystem, bucket, f"s3://{bucket}", f"bucket {bucket!r} at {endpoint}")

    # ---- plain objects -------------------------------------------------------------------

    def path(self, key: str) -> str:
        return f"{self.root}/{check_key(key)}"

    # compression=None everywhere: pyarrow would otherwise gzip or gunzip by the key's
    # suffix, and objects must be stored and read back byte for byte.

    def put(self, key: str, data: bytes) -> None:
        """Write an object whole: readers see the old object or the new one, never a part."""
        path = self.path(key)
        with self._translated_errors(key):
            if isinstance(self.filesystem, pafs.LocalFileSystem):
                # A local write is not atomic; write aside, then rename over the target.
                parent = path.rsplit("/", 1)[0]
                self.filesystem.create_dir(parent, recursive=True)
                tmp = f"{parent}/.tmp-{uuid.uuid4().hex}"
                with self.filesystem.open_output_stream(tmp, compression=None) as out:
                    out.write(data)
                self.filesystem.move(tmp, path)
            else:
                with self.filesystem.open_output_stream(path, compression=None) as out:
                    out.write(data)

    def get(self, key: str) -> bytes:
        with (
            self._translated_errors(key),
            self.filesystem.open_input_stream(self.path(key), compression=None) as f,
        ):
            return f.read()

    def exists(self, key: str) -> bool:
        with self._translated_errors(key):
            info = self.filesystem.get_file_info(self.path(key))
        return info.type == pafs.FileType.File

    def delete(self, key: str) -> None:
        with self._translated_errors(key):
            if self.exists(key):
                self.filesystem.delete_file(self.path(key))

    def list(self, prefix: str = "") -> list[str]:
        """Keys of every object under `prefix` (a key prefix ending at a segment), sorted."""
        base = self.path(prefix.rstrip("/")) if prefix else self.root
        with self._translated_errors(prefix or "/"):
            infos = self.filesystem.get_file_info(
                pafs.FileSelector(base, recursive=True, allow_not_found=True)
            )
        start = len(self.root) + 1
        return sorted(
            i.path[start:] for i in infos if i.type == pafs.FileType.File and "/.tmp-" not in i.path
        )

    # ---- JSON and raw payloads -----------------------------------------------------------

    def put_json_gz(self, key: str, obj: object) -> None:
        self.put(key, gzip_bytes(json.dumps(obj, sort_keys=True).encode()))

    def get_json_gz(self, key: str) -> object:
        return json.loads(gzip.decompress(self.get(key)))

    def put_raw_payload(
        self, source: str, entity: str, day: dt.date, payload: bytes
    ) -> tuple[str, bool]:
        """Store a payload exactly as received; returns its key and whether it was new.

        The key is the payload's sha256, so storing the same bytes twice is a no-op.
        """
        key = raw_payload_key(source, entity, day, payload)
        if self.exists(key):
            return key, False
        self.put(key, gzip_bytes(payload))
        return key, True

    def get_raw_payload(self, key: str) -> bytes:
        return gzip.decompress(self.get(key))

    # ---- health --------------------------------------------------------------------------

    def check(self) -> None:
        """Answer quickly whether the store is reachable and accepts the credentials.

        On S3 this also creates the bucket if it is missing (writes do not).
        """
        if not isinstance(self.filesystem, pafs.LocalFileSystem):
            with self._translated_errors("/"):
                self.filesystem.create_dir(self.root)
        probe = f"_ai4ci/probe-{uuid.uuid4().hex}"
        self.put(probe, b"ok")
        self.delete(probe)

    @contextlib.contextmanager
    def _translated_errors(self, key: str) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            text = str(exc)
            if any(marker in text for marker in _UNREACHABLE_MARKERS):
                raise LakeUnreachableError(
                    f"object store {self.description} is unreachable (at key {key!r})",
                    hint="is the endpoint right and the server up? `ai4ci stack status`",
                ) from exc
            if "NO_SUCH_BUCKET" in text:
                raise LakeUnreachableError(
                    f"object store {self.description}: the bucket does not exist",
                    hint="`ai4ci stack up` creates it on Ceph; elsewhere create it first",
                ) from exc
            if any(marker in text for marker in _DENIED_MARKERS):
                raise LakeAccessDeniedError(
                    f"object store {self.description} refused the credentials (at key {key!r})",
                    hint="check AI4CI_S3_ACCESS_KEY / AI4CI_S3_SECRET_KEY",
                ) from exc
            raise


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed mtime, so the same input always gives the same bytes."""
    return gzip.compress(data, mtime=0)
