"""The object store on a temporary directory and on the real Ceph RGW."""

import datetime as dt
import socket
import uuid

import pytest

from ai4ci_assets.errors import LakeAccessDeniedError, LakeUnreachableError, UnsafeKeyError
from ai4ci_assets.lake.keys import join_key, key_segment
from ai4ci_assets.lake.store import ObjectStore

DAY = dt.date(2026, 11, 22)


@pytest.fixture
def store(backend_settings):
    return ObjectStore.from_settings(backend_settings)


def test_put_get_list_delete(store):
    store.put("a/one.txt", b"1")
    store.put("a/b/two.txt", b"2")
    store.put("c/three.txt", b"3")
    assert store.get("a/one.txt") == b"1"
    assert store.exists("a/b/two.txt") and not store.exists("a/nothing")
    assert store.list("a") == ["a/b/two.txt", "a/one.txt"]
    store.put("a/one.txt", b"one")  # overwrite whole
    assert store.get("a/one.txt") == b"one"
    store.delete("a/one.txt")
    assert store.list("a") == ["a/b/two.txt"]
    assert "c/three.txt" in store.list()


def test_gzip_json_round_trip(store):
    store.put_json_gz("meta/x.json.gz", {"b": [1, 2], "a": "ü"})
    assert store.get_json_gz("meta/x.json.gz") == {"a": "ü", "b": [1, 2]}


def test_raw_payloads_are_stored_once_exactly_as_received(store):
    payload = b'{"tests": [], "quirk": "\\ue00084"}\n'
    key, created = store.put_raw_payload("testgrid", "table", DAY, payload)
    again, created_again = store.put_raw_payload("testgrid", "table", DAY, payload)
    assert (created, created_again) == (True, False)
    assert again == key
    assert store.list("raw/testgrid/table") == [key]
    assert store.get_raw_payload(key) == payload


def test_a_hostile_name_lands_inside_its_prefix(store):
    name = "../../../outside [sig-x] ünï"
    key = join_key("raw", "hostile", key_segment(name))
    store.put(key, b"x")
    listed = store.list("raw/hostile")
    assert listed == [key]
    assert store.list() == [key]  # nothing else anywhere in this lake


def test_an_unsafe_key_is_refused_and_nothing_written(store):
    for bad in ("../escape", "/abs", "a/../../b"):
        with pytest.raises(UnsafeKeyError):
            store.put(bad, b"x")
    assert store.list() == []


def test_wrong_credentials_are_named(ceph_s3):
    store = ObjectStore.for_s3(
        endpoint=ceph_s3["AI4CI_S3_ENDPOINT"],
        bucket=ceph_s3["AI4CI_S3_BUCKET"],
        region="us-east-1",
        access_key=ceph_s3["AI4CI_S3_ACCESS_KEY"],
        secret_key="wrong-" + uuid.uuid4().hex,
    )
    with pytest.raises(LakeAccessDeniedError, match="refused the credentials"):
        store.check()


def test_an_unreachable_endpoint_is_named():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = ObjectStore.for_s3(
        endpoint=f"http://127.0.0.1:{port}",
        bucket="lake",
        region="us-east-1",
        access_key="a",
        secret_key="b",
    )
    with pytest.raises(LakeUnreachableError, match=f"127.0.0.1:{port} is unreachable"):
        store.check()
