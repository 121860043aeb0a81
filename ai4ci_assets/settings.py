"""Every setting of ai4ci in one typed object, read once from the environment.

Each setting is an `AI4CI_*` environment variable; secrets may instead name a file with
`AI4CI_*_FILE` (as Kubernetes and Docker secrets are mounted). Nothing here runs at import
time: callers build `Settings.from_env()` when they start, and pass the object on.

The README's settings table is generated from the fields' metadata
(`settings_table_markdown`), and a test keeps the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Literal

from ai4ci_assets.errors import SettingsError
from ai4ci_assets.sim.sizes import SIZES

Profile = Literal["local", "stack", "prod"]
PROFILES: tuple[Profile, ...] = ("local", "stack", "prod")
ENV_PREFIX = "AI4CI_"
REAL_SOURCE_URLS = {"testgrid": "https://testgrid.k8s.io"}


class Secret:
    """A credential that never shows itself in logs, reprs or metadata."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _doc(text: str, *, secret: bool = False) -> dict[str, object]:
    return {"doc": text, "secret": secret}


@dataclass(frozen=True)
class Settings:
    """The profile and every endpoint, bucket, catalog and credential reference."""

    profile: Profile = field(
        default="local", metadata=_doc("Which world to run in: `local`, `stack` or `prod`.")
    )
    home: Path = field(
        default=Path(".ai4ci"),
        metadata=_doc("State directory: local lake, catalog, Dagster home, stack state."),
    )
    lake_root: Path | None = field(
        default=None,
        metadata=_doc("`local` profile: directory holding the lake. Default: `<home>/lake`."),
    )
    s3_endpoint: str | None = field(
        default=None,
        metadata=_doc("S3 endpoint URL (`stack`: read from the Ceph state file when unset)."),
    )
    s3_bucket: str = field(default="ai4ci", metadata=_doc("Bucket holding the lake on S3/Ceph."))
    s3_region: str = field(default="us-east-1", metadata=_doc("S3 region name (Ceph accepts any)."))
    s3_access_key: Secret | None = field(
        default=None, metadata=_doc("S3 access key id.", secret=True)
    )
    s3_secret_key: Secret | None = field(default=None, metadata=_doc("S3 secret key.", secret=True))
    catalog_uri: Secret | None = field(
        default=None,
        metadata=_doc(
            "Iceberg SQL catalog (SQLAlchemy URI). Default: SQLite in `<home>`; "
            "`prod`: required, PostgreSQL shared with Trino.",
            secret=True,
        ),
    )
    catalog_name: str = field(
        default="ai4ci", metadata=_doc("Iceberg catalog name (Trino's catalog too).")
    )
    sql_engine: Literal["duckdb", "trino"] | None = field(
        default=None,
        metadata=_doc(
            "SQL engine: `duckdb` or `trino`. Default: `trino` in `prod`, else `duckdb`."
        ),
    )
    trino_host: str = field(default="127.0.0.1", metadata=_doc("Trino coordinator host."))
    trino_port: int = field(default=8080, metadata=_doc("Trino coordinator port."))
    trino_http_scheme: Literal["http", "https"] = field(
        default="http", metadata=_doc("`http` or `https`.")
    )
    trino_user: str = field(default="ai4ci", metadata=_doc("Trino user."))
    trino_password: Secret | None = field(
        default=None, metadata=_doc("Trino password (basic auth; needs https).", secret=True)
    )
    trino_catalog: str = field(
        default="iceberg", metadata=_doc("Trino catalog of the Iceberg connector.")
    )
    dagster_home: Path | None = field(
        default=None, metadata=_doc("DAGSTER_HOME. Default: `<home>/dagster`.")
    )
    sim_url: str = field(
        default="http://127.0.0.1:8765",
        metadata=_doc("`local`/`stack`: the simulated CI world's server (`ai4ci sim serve`)."),
    )
    sim_size: str = field(
        default="demo",
        metadata=_doc("Size of the world `ai4ci demo` simulates: tiny, demo, large."),
    )
    sim_seed: int = field(default=1, metadata=_doc("Seed of the simulated world."))
    testgrid_url: str | None = field(
        default=None,
        metadata=_doc("TestGrid base URL. Default: `<sim_url>/testgrid`; `prod`: testgrid.k8s.io."),
    )
    testgrid_dashboard_groups: str = field(
        default="redhat-openshift-informing,redhat-openshift-blocking",
        metadata=_doc("Comma-separated TestGrid dashboard groups to ingest."),
    )
    demo_days: int = field(
        default=3, metadata=_doc("How many daily partitions `ai4ci demo` materializes.")
    )

    # ---- derived values -------------------------------------------------------------

    @property
    def engine_name(self) -> str:
        if self.sql_engine:
            return self.sql_engine
        return "trino" if self.profile == "prod" else "duckdb"

    def source_url(self, source: str) -> str:
        """Base URL of a CI source: the real API in `prod`, else the simulated world's."""
        explicit = getattr(self, f"{source}_url")
        if explicit:
            return explicit.rstrip("/")
        if self.profile == "prod":
            return REAL_SOURCE_URLS[source]
        return f"{self.sim_url.rstrip('/')}/{source}"

    @property
    def local_lake_root(self) -> Path:
        return (self.lake_root or self.home / "lake").resolve()

    @property
    def stack_dir(self) -> Path:
        return (self.home / "stack").resolve()

    @property
    def ceph_state_dir(self) -> Path:
        """Where `ai4ci stack up` keeps Ceph's config, pids and `s3.env`."""
        return self.stack_dir / "ceph"

    @property
    def dagster_home_dir(self) -> Path:
        return (self.dagster_home or self.home / "dagster").resolve()

    @property
    def uses_s3(self) -> bool:
        return self.profile != "local"

    def catalog_uri_value(self) -> str:
        if self.catalog_uri is not None:
            return self.catalog_uri.reveal()
        db = (self.home / f"catalog-{self.profile}.db").resolve()
        return f"sqlite:///{db}"

    # ---- reading -----------------------------------------------------------------------

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> Settings:
        """Read every `AI4CI_*` variable (and `*_FILE` secrets), then apply CLI overrides.

        In the `stack` profile, S3 settings left unset come from the state file written by
        `ai4ci stack up`, so a started stack needs no extra configuration.
        """
        env = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = _read_raw(env, f.name, secret=f.metadata["secret"])
            if raw is not None:
                values[f.name] = _convert(f.name, f.type, raw, secret=f.metadata["secret"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        if settings.profile == "stack":
            settings = settings._with_stack_credentials()
        settings.validate()
        return settings

    def _with_stack_credentials(self) -> Settings:
        state_file = self.ceph_state_dir / "s3.env"
        if self.s3_endpoint or not state_file.exists():
            return self
        env = read_env_file(state_file)
        stacked = Settings.from_env(env, profile="local")  # parse only; profile set below
        return replace(
            self,
            s3_endpoint=stacked.s3_endpoint,
            s3_bucket=stacked.s3_bucket,
            s3_region=stacked.s3_region,
            s3_access_key=self.s3_access_key or stacked.s3_access_key,
            s3_secret_key=self.s3_secret_key or stacked.s3_secret_key,
        )

    def validate(self) -> None:
        if self.profile not in PROFILES:
            raise SettingsError(
                f"{ENV_PREFIX}PROFILE={self.profile!r} is not one of {', '.join(PROFILES)}",
                hint="unset it for the embedded `local` profile",
            )
        if self.engine_name not in ("duckdb", "trino"):
            raise SettingsError(
                f"{ENV_PREFIX}SQL_ENGINE={self.sql_engine!r} is not duckdb or trino"
            )
        if self.uses_s3:
            missing = [
                env_name(name)
                for name in ("s3_endpoint", "s3_access_key", "s3_secret_key")
                if getattr(self, name) is None
            ]
            if missing:
                hint = (
                    "start the local Ceph with `ai4ci stack up`"
                    if self.profile == "stack"
                    else "set them in the environment or as *_FILE secrets"
                )
                raise SettingsError(
                    f"profile {self.profile!r} needs {', '.join(missing)}", hint=hint
                )
            if not self.s3_endpoint.startswith(("http://", "https://")):
                raise SettingsError(
                    f"{ENV_PREFIX}S3_ENDPOINT={self.s3_endpoint!r} is not an http(s) URL"
                )
        if self.profile == "prod" and self.catalog_uri is None:
            raise SettingsError(
                f"profile 'prod' needs {ENV_PREFIX}CATALOG_URI",
                hint="the PostgreSQL URI of the Iceberg JDBC catalog Trino uses",
            )
        if self.sim_size not in SIZES:
            raise SettingsError(
                f"{ENV_PREFIX}SIM_SIZE={self.sim_size!r} is not one of {', '.join(SIZES)}"
            )
        if self.demo_days < 1:
            raise SettingsError(f"{ENV_PREFIX}DEMO_DAYS must be at least 1, got {self.demo_days}")

    def public_summary(self) -> dict[str, str]:
        """Settings safe to print: secrets show only whether they are set."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata["secret"]:
                out[f.name] = "set" if value is not None else "unset"
            else:
                out[f.name] = "" if value is None else str(value)
        return out


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a KEY=VALUE file (no shell expansion), as written by deploy/local scripts."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def _read_raw(env: Mapping[str, str], name: str, *, secret: bool) -> str | None:
    var = env_name(name)
    if var in env and env[var] != "":
        return env[var]
    file_var = var + "_FILE"
    if secret and env.get(file_var):
        path = Path(env[file_var])
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise SettingsError(
                f"{file_var} names {str(path)!r}, which cannot be read: {exc.strerror}"
            ) from None
    return None


def _convert(name: str, type_: object, raw: str, *, secret: bool) -> object:
    var = env_name(name)
    if secret:
        return Secret(raw)
    type_text = str(type_)
    if type_text.startswith("int"):
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"{var}={raw!r} is not a whole number") from None
    if "Path" in type_text:
        return Path(raw).expanduser()
    if type_text.startswith("Literal") or "Literal[" in type_text:
        allowed = _literal_choices(type_text)
        if raw not in allowed:
            raise SettingsError(f"{var}={raw!r} is not one of {', '.join(allowed)}")
    return raw


def _literal_choices(type_text: str) -> list[str]:
    inside = type_text[type_text.index("[") + 1 : type_text.index("]")]
    return [part.strip().strip("'\"") for part in inside.split(",")]


def settings_table_markdown() -> str:
    """The README's settings table: variable, default and meaning of every setting."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for f in fields(Settings):
        default = "" if f.default is None else f"`{f.default}`"
        var = f"`{env_name(f.name)}`"
        if f.metadata["secret"]:
            var += f" or `{env_name(f.name)}_FILE`"
        rows.append(f"| {var} | {default} | {f.metadata['doc']} |")
    return "\n".join(rows)
