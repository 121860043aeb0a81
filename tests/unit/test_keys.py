import datetime as dt
import unicodedata
from urllib.parse import unquote

import pytest

from ai4ci_assets.errors import UnsafeKeyError
from ai4ci_assets.lake.keys import check_key, join_key, key_segment, raw_payload_key

HOSTILE_NAMES = [
    "../../etc/passwd",
    "..",
    ".",
    ".hidden",
    "a/b/../../c",
    "with spaces and\ttabs",
    "[sig-network] Services should serve a basic endpoint [Suite:openshift/conformance]",
    "ünïcödé-名前",
    "e\u0301",  # decomposed é: must map like the composed one
    "%2E%2E",
    "back\\slash",
    "nul\x00byte",
    "?query=1&x=#frag",
    "x" * 1000,
    "y" * 1000,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_name_stays_inside_its_prefix(name):
    segment = key_segment(name)
    assert "/" not in segment and "\\" not in segment and "\x00" not in segment
    assert segment not in {".", ".."} and not segment.startswith(".")
    assert len(segment.encode()) <= 180
    key = join_key("raw", "testgrid", segment)
    assert key.startswith("raw/testgrid/") and key.count("/") == 2


def test_distinct_names_get_distinct_segments():
    segments = [key_segment(n) for n in HOSTILE_NAMES]
    assert len(set(segments)) == len(segments)


def test_short_segments_decode_back_to_the_name():
    for name in HOSTILE_NAMES[:-2]:
        assert unquote(key_segment(name)) == unicodedata.normalize("NFC", name)
    assert key_segment("e\u0301") == key_segment("\u00e9")


def test_empty_name_is_refused():
    with pytest.raises(UnsafeKeyError, match="empty"):
        key_segment("")


@pytest.mark.parametrize("key", ["../x", "/abs/key", "a//b", "a/./b", "a/../b", "a\\b", "", "a/"])
def test_check_key_refuses_escaping_keys(key):
    with pytest.raises(UnsafeKeyError):
        check_key(key)


def test_raw_payload_keys_are_content_addressed():
    day = dt.date(2026, 11, 22)
    key = raw_payload_key("testgrid", "table", day, b'{"a":1}')
    assert key == (
        "raw/testgrid/table/dt=2026-11-22/"
        "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862.json.gz"
    )
    assert raw_payload_key("testgrid", "table", day, b'{"a":1}') == key
    assert raw_payload_key("testgrid", "table", day, b'{"a":2}') != key


@pytest.mark.parametrize(("source", "entity"), [("../x", "table"), ("testgrid", "a b")])
def test_raw_payload_keys_refuse_untrusted_source_names(source, entity):
    with pytest.raises(UnsafeKeyError):
        raw_payload_key(source, entity, dt.date(2026, 1, 1), b"{}")
