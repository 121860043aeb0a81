"""The `ai4ci` command.

Expected failures (a missing setting, an unreachable endpoint, refused credentials) print one
line and a hint, and exit 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ai4ci_assets import __version__
from ai4ci_assets.errors import Ai4ciError
from ai4ci_assets.settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__.splitlines()[0])
stack_app = typer.Typer(no_args_is_help=True, help="The `stack` profile's local services.")
app.add_typer(stack_app, name="stack")
sim_app = typer.Typer(no_args_is_help=True, help="The simulated CI world.")
app.add_typer(sim_app, name="sim")
console = Console()
REPO_ROOT = Path(__file__).resolve().parents[1]


@app.callback()
def main_options(
    ctx: typer.Context,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="local, stack or prod (AI4CI_PROFILE)")
    ] = None,
    home: Annotated[
        Path | None, typer.Option("--home", help="state directory (AI4CI_HOME)")
    ] = None,
) -> None:
    ctx.obj = {"profile": profile, "home": home.resolve() if home else None}


def _settings(ctx: typer.Context) -> Settings:
    return Settings.from_env(**ctx.obj)


@app.command()
def version() -> None:
    """Print the ai4ci version."""
    console.print(f"ai4ci {__version__}")


@app.command("settings")
def show_settings(ctx: typer.Context) -> None:
    """Show the settings in force (secrets only as set/unset)."""
    table = Table("setting", "value")
    for name, value in _settings(ctx).public_summary().items():
        table.add_row(name, value)
    console.print(table)


@app.command()
def demo(ctx: typer.Context) -> None:
    """Materialize every asset for the last few days, then say where to look."""
    from ai4ci_assets.definitions import build_resources
    from ai4ci_assets.runner import (
        demo_partition_keys,
        run_main_job,
        sources_for_demo,
        summarize_tables,
    )

    settings = _settings(ctx)
    keys = demo_partition_keys(settings)
    console.print(f"[bold]ai4ci demo[/] profile={settings.profile}, days {keys[0]}..{keys[-1]}")
    resources = build_resources(settings)
    resources["lake"].check()
    with (
        console.status("starting the sources..."),
        sources_for_demo(settings) as (run_settings, where),
    ):
        console.print(f"Sources: {where}")
        with _progress() as progress:
            task = progress.add_task("main job", total=len(keys))
            run_main_job(run_settings, keys, lambda key: progress.advance(task))

    console.print(f"\n[bold]Lake[/]: {resources['lake'].description}")
    table = Table("table", "rows", "snapshot id", title="Iceberg tables")
    for summary in summarize_tables(resources["lakehouse"]):
        table.add_row(summary.table_id, str(summary.rows), str(summary.snapshot_id))
    console.print(table)
    raw = resources["lake"].list("raw")
    console.print(f"Raw payloads: {len(raw)} objects under raw/ (content-addressed, gzip)")
    console.print(f"Dagster runs are in {settings.dagster_home_dir}")
    console.print("Open the Dagster UI with [bold]uv run ai4ci ui[/] (http://127.0.0.1:3000)")


@app.command()
def ui(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="port on 127.0.0.1")] = 3000,
    host: Annotated[str, typer.Option(help="address to bind; keep loopback")] = "127.0.0.1",
) -> None:
    """Start the Dagster web UI for this profile."""
    from ai4ci_assets.runner import prepare_dagster_home

    settings = _settings(ctx)
    env = dict(os.environ)
    env.update(
        DAGSTER_HOME=str(prepare_dagster_home(settings)),
        AI4CI_PROFILE=settings.profile,
        AI4CI_HOME=str(settings.home.resolve()),
    )
    command = [sys.executable, "-m", "dagster_webserver", "-h", host, "-p", str(port)]
    command += ["-w", str(REPO_ROOT / "workspace.yaml")]
    console.print(f"Dagster UI on http://{host}:{port} (DAGSTER_HOME={settings.dagster_home_dir})")
    # Replace this process, so that Ctrl-C or a kill of our pid reaches the webserver.
    os.chdir(REPO_ROOT)
    os.execve(sys.executable, command, env)  # noqa: S606 - fixed argv, no shell


@stack_app.command("up")
def stack_up(ctx: typer.Context) -> None:
    """Start the local Ceph (mon, memstore OSD, radosgw on 127.0.0.1)."""
    from ai4ci_assets.stack import ceph_up

    state_dir = _settings_for_stack(ctx).ceph_state_dir
    with console.status("starting Ceph..."):
        s3 = ceph_up(state_dir)
    console.print(f"Ceph RGW at {s3['AI4CI_S3_ENDPOINT']}, bucket {s3['AI4CI_S3_BUCKET']}")
    console.print(f"Credentials in {state_dir / 's3.env'}; use it with --profile stack")


@stack_app.command("down")
def stack_down(ctx: typer.Context) -> None:
    """Stop the local Ceph by the pids it recorded (its in-memory data goes with it)."""
    from ai4ci_assets.stack import ceph_down

    ceph_down(_settings_for_stack(ctx).ceph_state_dir)
    console.print("Ceph stopped")


@stack_app.command("status")
def stack_status(ctx: typer.Context) -> None:
    """Show which local services run, and where."""
    from ai4ci_assets.stack import CEPH_DAEMONS, ceph_status

    status = ceph_status(_settings_for_stack(ctx).ceph_state_dir)
    for daemon in CEPH_DAEMONS:
        pid = status.running.get(daemon)
        console.print(f"{daemon:18} {'running, pid ' + str(pid) if pid else 'stopped'}")
    if status.up:
        console.print(f"S3 endpoint: {status.endpoint}")
    raise typer.Exit(0 if status.up else 1)


@sim_app.command("serve")
def sim_serve(
    size: Annotated[str, typer.Option(help="tiny, demo or large")] = "demo",
    seed: Annotated[int, typer.Option(help="seed of the world")] = 1,
    end_date: Annotated[
        str | None, typer.Option(help="first day after the world (default: today, UTC)")
    ] = None,
    host: Annotated[str, typer.Option(help="address to bind; keep loopback")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="0 picks a free port")] = 8765,
    faults: Annotated[str, typer.Option(help="e.g. 'github:throttle=0.1;all:drop=0.01'")] = "",
    fault_seed: Annotated[int, typer.Option(help="seed of the fault draws")] = 0,
    github_rate_limit: Annotated[
        int, typer.Option(help="GitHub requests per token an hour")
    ] = 5000,
    ready_file: Annotated[
        Path | None, typer.Option(help="write {url, pid} here once listening")
    ] = None,
) -> None:
    """Serve a simulated CI world at the five real APIs' paths until stopped."""
    import datetime as dt
    import json

    from ai4ci_assets.sim.faults import FaultPlan, parse_faults
    from ai4ci_assets.sim.server import SimServer
    from ai4ci_assets.sim.world import generate_world

    end = dt.date.fromisoformat(end_date) if end_date else dt.datetime.now(dt.UTC).date()
    try:
        plan = FaultPlan(parse_faults(faults), seed=fault_seed)
        with console.status(f"generating the {size} world..."):
            world = generate_world(size, seed, end)
    except ValueError as exc:
        raise Ai4ciError(str(exc)) from None
    server = SimServer(world, plan, github_rate_limit, host=host, port=port)
    console.print(
        f"Simulated CI world ({size}, seed {seed}, {world.start}..{world.end}) at {server.url}"
    )
    for source in ("testgrid", "gcs", "github", "bugzilla", "prometheus"):
        console.print(f"  {source:11} {server.base_url(source)}")
    if ready_file:
        tmp = ready_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"url": server.url, "pid": os.getpid()}))
        tmp.replace(ready_file)  # readers never see a half-written file
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@sim_app.command("truth")
def sim_truth(
    out: Annotated[Path, typer.Option(help="directory for the Parquet truth tables")],
    size: Annotated[str, typer.Option(help="tiny, demo or large")] = "demo",
    seed: Annotated[int, typer.Option(help="seed of the world")] = 1,
    end_date: Annotated[str | None, typer.Option(help="first day after the world")] = None,
) -> None:
    """Write the planted truth of a world (never served) for evaluation."""
    import datetime as dt

    from ai4ci_assets.sim.truth import write_truth
    from ai4ci_assets.sim.world import generate_world

    end = dt.date.fromisoformat(end_date) if end_date else dt.datetime.now(dt.UTC).date()
    try:
        counts = write_truth(generate_world(size, seed, end), out)
    except ValueError as exc:
        raise Ai4ciError(str(exc)) from None
    for name, rows in counts.items():
        console.print(f"{out / (name + '.parquet')}: {rows} rows")


def _settings_for_stack(ctx: typer.Context) -> Settings:
    # Managing the stack must work before it has credentials: read it as `local`.
    return Settings.from_env(**{**ctx.obj, "profile": "local"})


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} days"),
        TimeElapsedColumn(),
        console=console,
    )


def main() -> None:
    try:
        app()
    except Ai4ciError as exc:
        console.print(f"[red]error:[/] {exc.args[0]}")
        if exc.hint:
            console.print(f"[dim]hint: {exc.hint}[/]")
        sys.exit(2)


if __name__ == "__main__":
    main()
