"""The Ceph the suite started: status by recorded pids, and a second `up` is harmless."""

from ai4ci_assets.stack import ceph_status, ceph_up


def test_the_running_ceph_is_seen_by_its_recorded_pids(ceph_s3, ceph_state_dir):
    status = ceph_status(ceph_state_dir)
    assert status.up, status
    assert status.endpoint == ceph_s3["AI4CI_S3_ENDPOINT"]
    assert status.endpoint.startswith("http://127.0.0.1:")


def test_starting_twice_keeps_the_running_cluster(ceph_s3, ceph_state_dir):
    before = ceph_status(ceph_state_dir).running
    again = ceph_up(ceph_state_dir)
    assert ceph_status(ceph_state_dir).running == before
    assert again == ceph_s3
