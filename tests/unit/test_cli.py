"""The `ai4ci` command as a person runs it: exit codes and one-line errors."""

import os
import socket
import subprocess
import sys


def ai4ci(*args, home, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AI4CI_")}
    env.update({"AI4CI_HOME": str(home), "COLUMNS": "200", **(extra_env or {})})
    return subprocess.run(
        [sys.executable, "-m", "ai4ci_assets.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_version(tmp_path):
    done = ai4ci("version", home=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("ai4ci 0.")


def test_a_wrong_profile_is_one_line_and_no_traceback(tmp_path):
    done = ai4ci("--profile", "staging", "settings", home=tmp_path)
    assert done.returncode == 2
    assert "error: AI4CI_PROFILE='staging' is not one of local, stack, prod" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_stack_profile_without_ceph_points_at_stack_up(tmp_path):
    done = ai4ci("--profile", "stack", "demo", home=tmp_path)
    assert done.returncode == 2
    assert "needs AI4CI_S3_ENDPOINT" in done.stdout
    assert "hint: start the local Ceph with `ai4ci stack up`" in done.stdout


def test_settings_show_no_secret(tmp_path):
    done = ai4ci("settings", home=tmp_path, extra_env={"AI4CI_S3_SECRET_KEY": "hunter2-secret"})
    assert done.returncode == 0
    assert "hunter2" not in done.stdout
    assert "s3_secret_key" in done.stdout


def test_stack_status_of_a_stack_never_started(tmp_path):
    done = ai4ci("stack", "status", home=tmp_path)
    assert done.returncode == 1
    assert "mon.a" in done.stdout and "stopped" in done.stdout


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_s3_endpoint_is_one_line(tmp_path):
    port = closed_port()
    env = {
        "AI4CI_S3_ENDPOINT": f"http://127.0.0.1:{port}",
        "AI4CI_S3_ACCESS_KEY": "a",
        "AI4CI_S3_SECRET_KEY": "b",
    }
    done = ai4ci("--profile", "stack", "demo", home=tmp_path, extra_env=env)
    assert done.returncode == 2
    assert f"127.0.0.1:{port} is unreachable" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_an_unreachable_catalog_is_one_line_without_its_password(tmp_path):
    port = closed_port()
    env = {"AI4CI_CATALOG_URI": f"postgresql://ai4ci:pw-secret@127.0.0.1:{port}/iceberg"}
    done = ai4ci("demo", home=tmp_path, extra_env=env)
    assert done.returncode == 2
    assert f"127.0.0.1:{port}/iceberg cannot be opened" in done.stdout
    assert "pw-secret" not in done.stdout + done.stderr
