"""The ``ccg-graph`` command. Thin: it parses arguments and calls build, validate, queries and the API.

Exit codes: 0 success, 1 data that does not conform, 2 bad input (missing file, parse error, bad argument).
A user's mistake is reported in one line with file, line and reason, never as a traceback.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ccg_graph import __version__
from ccg_graph.config import Settings, get_settings
from ccg_graph.errors import BadInput, CCGGraphError

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

    from ccg_graph.build import build as run_build

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


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    build_dir: BuildDirOption = None,
    build_if_missing: Annotated[bool, typer.Option(help="Build the graph first if it is not built.")] = False,
) -> None:
    """Serve the graph over HTTP (SPARQL at /sparql) from the embedded store or the configured SPARQL server."""
    import uvicorn

    from ccg_graph.api import create_app
    from ccg_graph.build import build as run_build
    from ccg_graph.build import is_built

    settings = _settings(build_dir)
    if settings.store == "embedded" and not is_built(settings):
        if not build_if_missing:
            err.print(f"[bold red]error:[/] no built graph in {settings.build_dir}: run `ccg-graph build` first")
            raise typer.Exit(2)
        err.print("The graph is not built yet: building it first.")
        run_reporting_errors(lambda: run_build(settings, lambda step: err.print(f"  {step}")))
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port, log_level="info")


REPORT_FORMATS = ("text", "json", "turtle")


@app.command()
def validate(
    files: Annotated[
        list[Path], typer.Argument(help="RDF files (Turtle, N-Triples, TriG, N-Quads, JSON-LD, RDF/XML; .gz allowed).")
    ],
    report_format: Annotated[str, typer.Option("--format", help="text, json or turtle.")] = "text",
) -> None:
    """Validate RDF files against the shapes. Exit 0 conforms, 1 violations, 2 bad input."""
    from ccg_graph.rdf_io import read_graph
    from ccg_graph.validate import load_ontology, load_shapes, validate_graph

    if report_format not in REPORT_FORMATS:
        err.print(f"[bold red]error:[/] --format must be one of {', '.join(REPORT_FORMATS)}")
        raise typer.Exit(2)
    settings = get_settings()

    def run() -> bool:
        data = read_graph(*files)
        outcome = validate_graph(data, load_shapes(settings.shapes_dir), load_ontology(settings.ontology_dir))
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


@app.command()
def query(
    name_or_file: Annotated[str, typer.Argument(help="A saved query's name (see `ccg-graph queries`) or a .rq file.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="name=value, repeatable.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Shorthand for --param as_of=YYYY-MM-DD.")] = None,
    output: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
    build_dir: BuildDirOption = None,
) -> None:
    """Run a saved query (or a query file) against the built graph."""
    from ccg_graph.queries import QueryCatalogue, load_query_file
    from ccg_graph.store import open_store
    from ccg_graph.store.remote import SparqlStore

    settings = _settings(build_dir)

    def run() -> None:
        if output not in ("table", "csv", "json"):
            raise BadInput(f"--format must be table, csv or json, not {output!r}")
        values = _parse_params(param or [])
        if as_of is not None:
            values["as_of"] = as_of
        path = Path(name_or_file)
        saved = (
            load_query_file(path)
            if path.suffix == ".rq" or path.exists()
            else QueryCatalogue(settings.queries_dir).get(name_or_file)
        )
        bindings = saved.bind(values)
        store = (
            SparqlStore.from_settings(settings)
            if settings.store == "sparql"
            else open_store(settings.store_dir, read_only=True)
        )
        try:
            result = store.query(saved.text, bindings=bindings)
            _print_result(result, output)
        finally:
            store.close()

    run_reporting_errors(run)


def _term_text(term: object) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _print_result(result, output: str) -> None:
    if result.boolean is not None:
        sys.stdout.write(json.dumps({"boolean": result.boolean}) + "\n" if output == "json" else f"{result.boolean}\n")
        return
    if result.triples is not None:
        import pyoxigraph as ox

        sys.stdout.write(ox.serialize(result.triples, format=ox.RdfFormat.TURTLE).decode("utf-8"))
        return
    solutions = result.solutions
    columns = [v.value for v in solutions.variables]
    rows = [[_term_text(solution[c]) for c in columns] for solution in solutions]
    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif output == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, row, strict=True)) for row in rows], indent=2) + "\n")
    else:
        table = Table(*columns, title=f"{len(rows)} row(s)")
        for row in rows:
            table.add_row(*row)
        out.print(table)


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
    from ccg_graph.queries import QueryCatalogue

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
    from ccg_graph.diagram import model_page

    page = run_reporting_errors(lambda: model_page(get_settings().ontology_dir))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    out.print(f"wrote {output}")


@app.command()
def version() -> None:
    """Print the package version."""
    out.print(__version__)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
