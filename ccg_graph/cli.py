"""The ``ccg-graph`` command: it parses arguments, calls build, validate, queries, the Steward and the API, and prints.

Exit codes: 0 success, 1 data that does not conform, 2 bad input (missing file, parse error, bad argument).
A user's mistake is reported in one line with file, line and reason, never as a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ccg_graph import __version__
from ccg_graph.core.config import Settings, get_settings
from ccg_graph.core.errors import BadInput, CCGGraphError

if TYPE_CHECKING:
    import pandas as pd
    import pyoxigraph as ox

app = typer.Typer(
    name="ccg-graph",
    help="Build, validate, query and serve the NHS England commissioning knowledge graph (CCGs, 2013-2022).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

T = TypeVar("T")


def run_reporting_errors(action: Callable[[], T]) -> T:
    """Run `action`; turn a `CCGGraphError` into a one-line message and its exit code."""
    try:
        return action()
    except CCGGraphError as error:
        err.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None


def _settings(build_dir: Path | None = None, reference_data: Path | None = None) -> Settings:
    overrides: dict[str, Path] = {}
    if build_dir is not None:
        overrides["build_dir"] = build_dir
    if reference_data is not None:
        overrides["reference_data_dir"] = reference_data
    return get_settings().model_copy(update=overrides) if overrides else get_settings()


BuildDirOption = Annotated[Path | None, typer.Option("--build-dir", help="Where the store and dump are written.")]


@app.command()
def build(
    build_dir: BuildDirOption = None,
    reference_data: Annotated[
        Path | None, typer.Option("--reference-data", help="The ODS/ONS reference-data folder.")
    ] = None,
    core_only: Annotated[bool, typer.Option("--core-only", help="Only the ontology, shapes and core graph.")] = False,
) -> None:
    """Assemble the graph into named graphs with provenance; write the embedded store and an N-Quads dump."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ccg_graph.national.build import build as run_build

    settings = _settings(build_dir, reference_data)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err) as bar:
        task = bar.add_task("building", total=None)
        summary = run_reporting_errors(
            lambda: run_build(settings, lambda step: bar.update(task, description=step), national=not core_only)
        )
    graphs = Table("named graph", "triples", title="Triples per named graph")
    for graph, count in sorted(summary.triples_by_graph.items()):
        graphs.add_row(graph, f"{count:,}")
    out.print(graphs)
    classes = Table("class", "instances", title="Resources by type")
    for cls, count in sorted(summary.instances_by_class.items(), key=lambda kv: (-kv[1], kv[0])):
        if cls.startswith("https://w3id.org/ccg-graph/def#") or "org#" in cls:
            classes.add_row(cls.rsplit("#", 1)[-1], f"{count:,}")
    out.print(classes)
    out.print(f"{summary.quads:,} quads -> {summary.store_dir} and {summary.dump_path}")
    for line in summary.replayed:
        out.print(f"re-applied submission {line}", highlight=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    build_dir: BuildDirOption = None,
    build_if_missing: Annotated[bool, typer.Option(help="Build the graph first if it is not built.")] = False,
    replica_of: Annotated[
        str | None,
        typer.Option(
            "--replica-of",
            help="Serve as a read replica of the primary at this base URL: boot from its snapshot, follow its feed.",
        ),
    ] = None,
) -> None:
    """Serve the graph over HTTP (SPARQL at /sparql) from the embedded store or the configured SPARQL server."""
    import uvicorn

    from ccg_graph.api import create_app
    from ccg_graph.api.http_protocol import WholeResponseProtocol
    from ccg_graph.national.build import build as run_build
    from ccg_graph.national.build import is_built

    settings = _settings(build_dir)
    if replica_of is not None:
        settings = settings.model_copy(update={"replica_of": replica_of})
    if settings.replica_of:
        from ccg_graph.replication.follower import open_replica_store

        run_reporting_errors(lambda: open_replica_store(settings)).close()
    elif settings.store == "embedded" and not is_built(settings):
        if not build_if_missing:
            err.print(f"[bold red]error:[/] no built graph in {settings.build_dir}: run `ccg-graph build` first")
            raise typer.Exit(2)
        err.print("The graph is not built yet: building it first.")
        run_reporting_errors(lambda: run_build(settings, lambda step: err.print(f"  {step}")))
    where = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        "forwarded_allow_ips": settings.trusted_proxy_list,  # X-Forwarded-For is believed from these only
        "http": WholeResponseProtocol,  # a response's head and body leave in one write (see the module)
    }
    if settings.server_processes == 1:
        uvicorn.run(create_app(settings), access_log=settings.access_log, **where)  # type: ignore[arg-type]
        return
    # Each server process builds its own app from the environment: pass on what the command line changed.
    os.environ["CCG_GRAPH_BUILD_DIR"] = str(settings.build_dir)
    uvicorn.run(
        "ccg_graph.api.app:app_from_environment",
        factory=True,
        workers=settings.server_processes,
        access_log=settings.access_log,
        **where,  # type: ignore[arg-type]
    )


REPORT_FORMATS = ("text", "json", "turtle")


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="RDF files (Turtle, N-Triples, TriG, N-Quads, JSON-LD, RDF/XML; .gz allowed).")
    ],
    report_format: Annotated[str, typer.Option("--format", help="text, json or turtle.")] = "text",
    against_graph: Annotated[
        bool,
        typer.Option(
            "--against-graph",
            help="Validate the files as if added to the built graph (overlaps, successors, ...), checking only "
            "what they can affect.",
        ),
    ] = False,
    build_dir: BuildDirOption = None,
) -> None:
    """Validate RDF files against the shapes. Exit 0 conforms, 1 violations, 2 bad input."""
    if report_format not in REPORT_FORMATS:
        err.print(f"[bold red]error:[/] --format must be one of {', '.join(REPORT_FORMATS)}")
        raise typer.Exit(2)
    settings = _settings(build_dir)

    def run() -> bool:
        from ccg_graph.rdf.parser import RdfLimits, read_files

        parsed = read_files(files, RdfLimits.from_settings(settings))  # parse errors first: file, line and column
        if against_graph:
            from ccg_graph.store import open_store
            from ccg_graph.validation.incremental import validate_parsed_in_context

            store = open_store(settings.store_dir, read_only=True)
            try:
                outcome = validate_parsed_in_context(parsed, store, settings)
            finally:
                store.close()
        else:
            from ccg_graph.validation import validate_on_its_own

            outcome = validate_on_its_own(parsed, settings)
        rendered = {"text": outcome.as_text, "json": outcome.as_json, "turtle": outcome.as_turtle}[report_format]()
        sys.stdout.write(rendered)
        return outcome.conforms

    if not run_reporting_errors(run):
        raise typer.Exit(1)


def _parse_params(params: list[str]) -> dict[str, str]:
    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise BadInput(f"--param takes name=value, got {item!r}")
        values[name.strip()] = value
    return values


EndpointOption = Annotated[
    str | None,
    typer.Option("--endpoint", help="A SPARQL 1.1 endpoint URL to ask instead of the built graph."),
]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write the answer to this file.")]


@app.command()
def query(
    name_or_file: Annotated[str, typer.Argument(help="A saved query's name (see `ccg-graph queries`) or a .rq file.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="name=value, repeatable.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Shorthand for --param as_of=YYYY-MM-DD.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="table, csv, json or parquet.")] = "table",
    output: OutputOption = None,
    endpoint: EndpointOption = None,
    build_dir: BuildDirOption = None,
) -> None:
    """Run a saved query (or a query file) against the built graph or, with --endpoint, a SPARQL service."""
    from ccg_graph.client.output import FORMATS
    from ccg_graph.sparql.saved_queries import QueryCatalogue, load_query_file

    settings = _settings(build_dir)

    def run() -> None:
        if output_format not in FORMATS:
            raise BadInput(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
        if output_format == "parquet" and output is None:
            raise BadInput("--format parquet writes a file: give it with --output FILE")
        if output_format == "table" and output is not None:
            raise BadInput("--format table prints to the terminal: choose csv, json or parquet with --output")
        values = _parse_params(param or [])
        if as_of is not None:
            values["as_of"] = as_of
        path = Path(name_or_file)
        saved = (
            load_query_file(path)
            if path.suffix == ".rq" or path.exists()
            else QueryCatalogue(settings.queries_dir).get(name_or_file)
        )
        _emit(_answer(settings, endpoint, saved.text, saved.bind(values)), output_format, output)

    run_reporting_errors(run)


def _answer(
    settings: Settings, endpoint: str | None, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]
) -> object:
    """A query's answer from `endpoint` (any SPARQL service) when one is given, else from the built store."""
    if endpoint is None:
        return _local_answer(settings, text, bindings)
    from ccg_graph.client import Client
    from ccg_graph.sparql.binding import bind_values

    return Client(endpoint, timeout=settings.query_timeout).run(bind_values(text, bindings))


def _local_answer(
    settings: Settings, text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]
) -> bool | str | pd.DataFrame:
    """The built store's answer in the client's terms: a typed DataFrame, a bool, or Turtle text."""
    import pyoxigraph as ox

    from ccg_graph.client.frames import frame_from_json
    from ccg_graph.rdf.results import write_triples
    from ccg_graph.replication.follower import deployment_store

    store = deployment_store(settings)
    try:
        result = store.query(text, bindings=bindings)
        if result.boolean is not None:
            return result.boolean
        if result.triples is not None:
            return write_triples(ox.RdfFormat.TURTLE, list(result.triples), {}).decode("utf-8")
        assert result.solutions is not None, "a query answers a boolean, triples or solutions"
        body = result.solutions.serialize(format=ox.QueryResultsFormat.JSON)
        assert body is not None, "with no output given pyoxigraph returns the serialisation"
        return frame_from_json(body)
    finally:
        store.close()


def _emit(answer: object, output_format: str, output: Path | None) -> None:
    """Print or write an answer: a DataFrame in the chosen format, a bool, or RDF as Turtle."""
    import pandas as pd

    from ccg_graph.client import output as write

    if not isinstance(answer, pd.DataFrame):
        text = write.non_table_text(answer, output_format)
    elif output_format == "parquet":
        assert output is not None
        write.write_parquet(answer, output)
        err.print(f"wrote {len(answer)} row(s) to {output}")
        return
    elif output_format == "table":
        shown = write.printable(answer)
        table = Table(*[str(c) for c in shown.columns], title=f"{len(shown)} row(s)")
        for row in shown.itertuples(index=False, name=None):
            table.add_row(*row)
        out.print(table)
        return
    else:
        text = write.to_csv(answer) if output_format == "csv" else write.to_json(answer)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")


export_app = typer.Typer(help="Export tables for joining the graph to other data.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("crosswalk")
def export_crosswalk(
    output: OutputOption = None,
    endpoint: EndpointOption = None,
    build_dir: BuildDirOption = None,
) -> None:
    """CSV of every organisation's ODS and ONS codes, the periods it held them, its name, open and close dates."""
    from ccg_graph.sparql.saved_queries import QueryCatalogue

    settings = _settings(build_dir)

    def run() -> None:
        saved = QueryCatalogue(settings.queries_dir).get("organisation-crosswalk")
        _emit(_answer(settings, endpoint, saved.text, {}), "csv", output)

    run_reporting_errors(run)


@app.command()
def load(
    to: Annotated[
        str, typer.Option("--to", help="The server's SPARQL query endpoint (overrides CCG_GRAPH_QUERY_URL).")
    ],
    update_url: Annotated[
        str | None, typer.Option("--update-url", help="Its SPARQL update endpoint (default: CCG_GRAPH_UPDATE_URL).")
    ] = None,
    gsp_url: Annotated[
        str | None, typer.Option("--gsp-url", help="Its Graph Store Protocol endpoint (default: CCG_GRAPH_GSP_URL).")
    ] = None,
    chunk: Annotated[int, typer.Option("--chunk", min=1, help="Triples per request.")] = 20_000,
    build_dir: BuildDirOption = None,
) -> None:
    """Load the built dataset (the N-Quads dump) into a running SPARQL server, each graph atomically."""
    from rich.progress import BarColumn, Progress, TextColumn

    from ccg_graph.store.loading import load_dump, read_dump
    from ccg_graph.store.remote import SparqlStore

    base = _settings(build_dir)
    settings = base.model_copy(
        update={
            "query_url": to,
            "update_url": update_url or base.update_url,
            "gsp_url": gsp_url or base.gsp_url,
        }
    )
    if not settings.update_url:
        err.print("[bold red]error:[/] --update-url (or CCG_GRAPH_UPDATE_URL) is needed to load into a server")
        raise typer.Exit(2)

    def run() -> dict[str, int]:
        read_dump(settings.dump_path)  # fail on a missing or broken dump before touching the server
        store = SparqlStore.from_settings(settings)
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,}"),
                console=err,
            ) as bar:
                tasks: dict[str, object] = {}

                def progress(graph: str, sent: int, total: int) -> None:
                    if graph not in tasks:
                        tasks[graph] = bar.add_task(graph.rsplit("/", 1)[-1][:60], total=total)
                    bar.update(tasks[graph], completed=sent)  # type: ignore[arg-type]

                return load_dump(store, settings.dump_path, chunk_triples=chunk, progress=progress)
        finally:
            store.close()

    loaded = run_reporting_errors(run)
    out.print(f"loaded {sum(loaded.values()):,} triples in {len(loaded)} graphs into {to}")


@app.command("queries")
def list_queries() -> None:
    """List the saved queries with their purpose and parameters."""
    from ccg_graph.sparql.saved_queries import QueryCatalogue

    catalogue = run_reporting_errors(lambda: QueryCatalogue(get_settings().queries_dir))
    table = Table("name", "title", "parameters")
    for saved in catalogue:
        params = ", ".join(f"{p.name}: {p.type}" + (f" = {p.default}" if p.default else "") for p in saved.parameters)
        table.add_row(saved.name, saved.title, params)
    out.print(table)


@app.command()
def diagram(
    output: Annotated[Path, typer.Option("--output", help="Where to write the page.")] = Path("docs/model.md"),
) -> None:
    """Write the Mermaid class diagram of the ontology (docs/model.md)."""
    from ccg_graph.guide.diagram import model_page

    page = run_reporting_errors(lambda: model_page(get_settings().ontology_dir))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    out.print(f"wrote {output}")


def _cli_agent() -> str:
    """Who is writing from the shell, for the record: the user, the host, and that it was the CLI."""
    import getpass
    import socket

    return f"{getpass.getuser()}@{socket.gethostname()} (ccg-graph CLI)"


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="The RDF file to submit (Turtle, N-Triples, RDF/XML, JSON-LD, ...)")],
    graph: Annotated[str, typer.Option("--graph", help="The named graph it goes into (replacing an earlier one)")],
    message: Annotated[str, typer.Option("--message", "-m", help="What this submission is, for the record")] = "",
    build_dir: BuildDirOption = None,
) -> None:
    """Validate FILE against the shapes in the context of the built graph and, if it conforms, commit it
    atomically into its own named graph with a PROV record. Exit 1 (and nothing written) if it does not."""
    from ccg_graph.core.errors import ValidationFailed
    from ccg_graph.rdf.parser import RdfLimits
    from ccg_graph.replication.follower import deployment_store
    from ccg_graph.writes.steward import Steward
    from ccg_graph.writes.submissions import SubmissionRecord, media_type_for

    settings = _settings(build_dir)

    def run() -> SubmissionRecord:
        if not file.is_file():
            raise BadInput("no such file", path=file)
        store = deployment_store(settings)
        try:
            return Steward.for_store(store, settings).submit(
                data=file.read_bytes(),
                source_name=str(file),
                media=media_type_for(file.name, None),
                graph=graph,
                message=message,
                agent=_cli_agent(),
                limits=RdfLimits.from_settings(settings),
            )
        finally:
            store.close()

    try:
        record = run_reporting_errors(run)
    except typer.Exit:
        raise
    except ValidationFailed as refused:  # pragma: no cover - run_reporting_errors handles it
        raise typer.Exit(1) from refused
    out.print(f"{record.status}: submission {record.id} -> <{record.graph}> (+{record.added} -{record.removed})")
    if record.release:
        out.print(f"release {record.release}")


@app.command()
def retract(
    graph: Annotated[str, typer.Option("--graph", help="The submitted graph to remove")],
    message: Annotated[str, typer.Option("--message", "-m", help="Why, for the record")] = "",
    build_dir: BuildDirOption = None,
) -> None:
    """Remove a submitted graph (validated and recorded like any change)."""
    from ccg_graph.replication.follower import deployment_store
    from ccg_graph.writes.steward import Steward
    from ccg_graph.writes.submissions import SubmissionRecord

    settings = _settings(build_dir)

    def run() -> SubmissionRecord:
        store = deployment_store(settings)
        try:
            return Steward.for_store(store, settings).retract(graph=graph, message=message, agent=_cli_agent())
        finally:
            store.close()

    record = run_reporting_errors(run)
    out.print(f"retracted <{record.graph}> (-{record.removed}); release {record.release}")


@app.command()
def releases(build_dir: BuildDirOption = None) -> None:
    """List the releases of the built graph: the build, then every write since."""
    from ccg_graph.writes.history import ReleaseLog

    table = Table("release", "time", "kind", "agent", "+", "-", "message", title="Releases since the build")
    for release in ReleaseLog(_settings(build_dir).build_dir).releases():
        table.add_row(
            release.id,
            release.time,
            release.kind,
            release.agent,
            str(release.added),
            str(release.removed),
            release.message[:60],
        )
    out.print(table)


@app.command()
def quality(
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    build_dir: BuildDirOption = None,
) -> None:
    """Where the sources disagree: every conflict with the file and line of each side and how it was resolved
    (the same report as GET /quality)."""
    import json

    from ccg_graph.linked_data.quality import quality_report
    from ccg_graph.store.select import configured_store

    settings = _settings(build_dir)

    def run() -> None:
        if output_format not in ("text", "json"):
            raise BadInput(f"--format must be text or json, not {output_format!r}")
        store = configured_store(settings)
        try:
            report = quality_report(store)
        finally:
            store.close()
        if output_format == "json":
            sys.stdout.write(json.dumps(report, indent=2) + "\n")
            return
        counts = report["counts"]
        lines = [f"{sum(counts.values())} conflicts: " + ", ".join(f"{k} {n}" for k, n in counts.items())]
        for conflict in report["conflicts"]:
            lines.append(f"\n[{conflict['kind']}] <{conflict['subject']}>")
            lines += [f"  {side['file']}:{side['line']}  {side['value']}" for side in conflict["sources"]]
            lines.append(f"  resolution: {conflict['resolution']}")
        sys.stdout.write("\n".join(lines) + "\n")

    run_reporting_errors(run)


@app.command()
def diff(
    old: Annotated[str, typer.Argument(help="A dump file (.nq or .nq.gz) or a release id ('build' for the build)")],
    new: Annotated[str, typer.Argument(help="A dump file or a later release id")],
    output_format: Annotated[str, typer.Option("--format", help="text, json or patch")] = "text",
    build_dir: BuildDirOption = None,
) -> None:
    """What changed between two builds (their dumps) or two releases: organisations that appeared or went,
    renames, moved dates, new successors and oversight, and the exact quads."""
    from ccg_graph.writes.diff import GraphDiff, diff_dumps, diff_releases
    from ccg_graph.writes.history import ReleaseLog

    if output_format not in ("text", "json", "patch"):
        err.print(f"[bold red]error:[/] --format must be text, json or patch, not {output_format!r}")
        raise typer.Exit(2)

    def run() -> GraphDiff:
        if Path(old).is_file() or Path(new).is_file():
            return diff_dumps(Path(old), Path(new))
        return diff_releases(ReleaseLog(_settings(build_dir).build_dir), old, new)

    result = run_reporting_errors(run)
    if output_format == "patch":
        sys.stdout.write(result.as_patch())
    elif output_format == "json":
        sys.stdout.write(json.dumps(result.summary(), indent=2) + "\n")
    else:
        for line in result.as_text():
            out.print(line, highlight=False)


deploy_app = typer.Typer(help="Configuration for running ccg-graph on more than one process.", no_args_is_help=True)
app.add_typer(deploy_app, name="deploy")


@deploy_app.command("nginx")
def deploy_nginx(
    primary: Annotated[str, typer.Option("--primary", help="The primary's base URL (http://host:port).")],
    replicas: Annotated[
        list[str], typer.Option("--replica", help="A read replica's base URL; give one --replica per replica.")
    ],
    listen: Annotated[str, typer.Option("--listen", help="Where nginx listens (port or address:port).")] = "8080",
    prefix: Annotated[
        Path, typer.Option("--prefix", help="nginx's folder for its pid file, logs and temporary files.")
    ] = Path("/var/lib/ccg-graph-nginx"),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the configuration here.")] = None,
    workers: Annotated[str, typer.Option("--workers", help="nginx worker processes ('auto': one per core).")] = "auto",
    access_log: Annotated[bool, typer.Option(help="Log every request to PREFIX/access.log.")] = False,
    reads_on_primary: Annotated[
        bool,
        typer.Option(
            help="Balance reads over the primary too (API processes over one database server), not only as a backup."
        ),
    ] = False,
) -> None:
    """Write an nginx configuration balancing reads over the replicas and sending writes to the primary."""
    from ccg_graph.replication.nginx import BalancerPlan, nginx_config, temp_folders

    plan = BalancerPlan(
        primary,
        tuple(replicas),
        listen=listen,
        prefix=prefix.absolute(),
        workers=workers,
        access_log=access_log,
        reads_on_primary=reads_on_primary,
    )
    text = run_reporting_errors(lambda: nginx_config(plan))
    if output is None:
        out.print(text, highlight=False, markup=False, end="")
        return
    for folder in [*temp_folders(plan.prefix), output.parent]:
        folder.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err.print(f"wrote {output}; run: nginx -p {plan.prefix} -c {output.absolute()}", highlight=False)


@app.command()
def version() -> None:
    """Print the package version."""
    out.print(__version__)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
