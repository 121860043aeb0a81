import os
import subprocess
import sys
from pathlib import Path

import pytest

from ai4ci_assets.errors import SettingsError
from ai4ci_assets.settings import Secret, Settings, settings_table_markdown
from tests.conftest import prod_env

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_the_embedded_local_profile(tmp_path):
    settings = Settings.from_env({"AI4CI_HOME": str(tmp_path)})
    assert settings.profile == "local"
    assert settings.engine_name == "duckdb"
    assert settings.local_lake_root == (tmp_path / "lake").resolve()
    assert settings.catalog_uri_value() == f"sqlite:///{(tmp_path / 'catalog-local.db').resolve()}"
    assert not settings.uses_s3


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AI4CI_PROFILE": "staging"}, "AI4CI_PROFILE='staging' is not one of local, stack, prod"),
        ({"AI4CI_TRINO_PORT": "eighty"}, "AI4CI_TRINO_PORT='eighty' is not a whole number"),
        ({"AI4CI_SQL_ENGINE": "spark"}, "AI4CI_SQL_ENGINE='spark' is not one of duckdb, trino"),
        ({"AI4CI_DEMO_DAYS": "0"}, "AI4CI_DEMO_DAYS must be at least 1"),
        (
            {"AI4CI_PROFILE": "prod", "AI4CI_S3_ENDPOINT": "https://s3.example"},
            "profile 'prod' needs AI4CI_S3_ACCESS_KEY, AI4CI_S3_SECRET_KEY",
        ),
        (
            {
                "AI4CI_PROFILE": "prod",
                "AI4CI_S3_ENDPOINT": "s3.example:443",
                "AI4CI_S3_ACCESS_KEY": "a",
                "AI4CI_S3_SECRET_KEY": "b",
            },
            "AI4CI_S3_ENDPOINT='s3.example:443' is not an http(s) URL",
        ),
    ],
)
def test_wrong_settings_name_the_variable(env, message, tmp_path):
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"AI4CI_HOME": str(tmp_path), **env})
    assert message in str(err.value)


def test_stack_without_a_started_ceph_says_how_to_start_it(tmp_path):
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"AI4CI_HOME": str(tmp_path), "AI4CI_PROFILE": "stack"})
    assert "AI4CI_S3_ENDPOINT" in str(err.value)
    assert "ai4ci stack up" in err.value.hint


def test_stack_reads_the_state_file_written_by_ceph_up(tmp_path):
    state = tmp_path / "stack" / "ceph"
    state.mkdir(parents=True)
    (state / "s3.env").write_text(
        "AI4CI_S3_ENDPOINT=http://127.0.0.1:7480\nAI4CI_S3_BUCKET=lake\n"
        "AI4CI_S3_REGION=us-east-1\nAI4CI_S3_ACCESS_KEY=AK\nAI4CI_S3_SECRET_KEY=SK\n"
    )
    settings = Settings.from_env({"AI4CI_HOME": str(tmp_path), "AI4CI_PROFILE": "stack"})
    assert settings.s3_endpoint == "http://127.0.0.1:7480"
    assert settings.s3_bucket == "lake"
    assert settings.s3_secret_key.reveal() == "SK"


def test_prod_defaults_to_trino_and_needs_the_shared_catalog(tmp_path):
    env = prod_env(tmp_path)
    with pytest.raises(SettingsError, match="AI4CI_CATALOG_URI"):
        Settings.from_env(env)
    settings = Settings.from_env({**env, "AI4CI_CATALOG_URI": "postgresql://u:pw@db/iceberg"})
    assert settings.engine_name == "trino"
    assert settings.source_url("testgrid") == "https://testgrid.k8s.io"


def test_secrets_come_from_files_and_never_show(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cr3t-value\n")
    settings = Settings.from_env(
        {"AI4CI_HOME": str(tmp_path), "AI4CI_S3_SECRET_KEY_FILE": str(secret_file)}
    )
    assert settings.s3_secret_key.reveal() == "s3cr3t-value"
    assert "s3cr3t" not in repr(settings)
    assert "s3cr3t" not in str(settings.public_summary())
    assert settings.public_summary()["s3_secret_key"] == "set"
    assert repr(Secret("x")) == "Secret('***')"


def test_unreadable_secret_file_names_variable_and_path(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"AI4CI_TRINO_PASSWORD_FILE": str(missing)})
    assert "AI4CI_TRINO_PASSWORD_FILE" in str(err.value)
    assert str(missing) in str(err.value)


def test_cli_overrides_win_over_the_environment(tmp_path):
    settings = Settings.from_env(
        {"AI4CI_HOME": "/elsewhere", "AI4CI_DEMO_DAYS": "5"}, home=tmp_path, profile="local"
    )
    assert settings.home == tmp_path
    assert settings.demo_days == 5


def test_readme_lists_every_setting():
    readme = (REPO_ROOT / "README.md").read_text()
    assert settings_table_markdown() in readme, "regenerate the README table from settings.py"


def test_importing_the_code_location_reads_no_environment():
    env = {**os.environ, "AI4CI_PROFILE": "not-a-profile"}
    code = "import ai4ci_assets.definitions, ai4ci_assets.cli; print('imported')"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    loading = "import ai4ci_assets.definitions as d; d.defs()"
    done = subprocess.run(
        [sys.executable, "-c", loading], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert "AI4CI_PROFILE='not-a-profile'" in done.stderr
