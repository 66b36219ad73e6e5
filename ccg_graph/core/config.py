"""All settings of ccg-graph, read once from the environment (prefix ``CCG_GRAPH_``).

Nothing else in the package reads ``os.environ``. The defaults serve the embedded store built from the
reference data that sits beside the repository, so ``ccg-graph serve`` works with no configuration.

Two ways to run, two sets of defaults (see docs/architecture.md, "Where things are read and written"):

- From a checkout (the package sits in the repository, beside ``pyproject.toml`` and ``ontology/``): the
  artefacts are the repository's folders, the graph is built into ``build/`` in the repository and the
  reference data is ``../shared/reference-data`` beside it, as before.
- From an installed wheel: the ontology, shapes, saved queries and core data are the copies packaged
  under ``ccg_graph/resources/`` (read-only); the graph is built into ``./build`` and the reference data is
  read from ``./reference-data``, both relative to the working directory, so nothing is ever written into
  site-packages. ``CCG_GRAPH_BUILD_DIR`` and ``CCG_GRAPH_REFERENCE_DATA_DIR`` name other places.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The installed package (``ccg_graph/``; this module is ``ccg_graph/core/config.py``).
PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: The repository root (the folder holding ontology/, shapes/, data/ and queries/) when running from a
#: checkout; for an installed wheel this is site-packages, which nothing reads from or writes to.
PROJECT_ROOT = PACKAGE_DIR.parent

#: The folder names of the packaged artefacts: the repository's top-level folders, which the wheel
#: carries under ``ccg_graph/resources/`` (copied there by ``setup.py`` at build time).
RESOURCE_FOLDERS = ("ontology", "shapes", "queries", "data")


def running_from_checkout() -> bool:
    """True when the package is the repository's own ``ccg_graph/`` (an editable install or PYTHONPATH)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "ontology").is_dir()


def resource_dir(name: str) -> Path:
    """One of `RESOURCE_FOLDERS`: the repository's folder in a checkout, the packaged copy otherwise."""
    if name not in RESOURCE_FOLDERS:
        raise ValueError(f"no packaged resource folder {name!r}; the folders are {', '.join(RESOURCE_FOLDERS)}")
    return PROJECT_ROOT / name if running_from_checkout() else PACKAGE_DIR / "resources" / name


def default_build_dir() -> Path:
    """``build/`` in the repository from a checkout, else ``./build`` in the working directory."""
    return PROJECT_ROOT / "build" if running_from_checkout() else Path.cwd() / "build"


def default_reference_data_dir() -> Path:
    """``../shared/reference-data`` beside the repository from a checkout, else ``./reference-data``."""
    if running_from_checkout():
        return PROJECT_ROOT.parent / "shared" / "reference-data"
    return Path.cwd() / "reference-data"


class Settings(BaseSettings):
    """Where the artefacts live, where the built graph goes, and how the server behaves."""

    model_config = SettingsConfigDict(env_prefix="CCG_GRAPH_", extra="ignore")

    ontology_dir: Path = Field(default_factory=lambda: resource_dir("ontology"))
    shapes_dir: Path = Field(default_factory=lambda: resource_dir("shapes"))
    data_dir: Path = Field(default_factory=lambda: resource_dir("data"))
    queries_dir: Path = Field(default_factory=lambda: resource_dir("queries"))
    reference_data_dir: Path = Field(
        default_factory=default_reference_data_dir,
        description="The ODS/ONS open data the national graph is built from.",
    )
    build_dir: Path = Field(
        default_factory=default_build_dir,
        description="Where `ccg-graph build` writes the embedded store and the dataset dump.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "https://w3id.org/ccg-graph/"
    query_timeout: float = Field(
        default=30.0, gt=0, description="Seconds a query may run before its worker is stopped (503)."
    )
    max_result_rows: int = Field(
        default=100_000, gt=0, description="Rows (or triples) returned at most; more sets X-Result-Truncated."
    )
    query_workers: int = Field(
        default=3, gt=0, description="Query worker processes of each server process (queries run at once)."
    )
    bounded_query_rows: int = Field(
        default=1000,
        ge=0,
        description=(
            "A SELECT of one triple pattern with at most this many rows is answered in the server process, "
            "without a query worker (its cost is bounded before it runs); 0: every query goes to a worker."
        ),
    )
    query_worker_niceness: int = Field(
        default=5,
        ge=0,
        le=19,
        description=(
            "How much lower the query workers' CPU priority is than the server's (POSIX nice increment): on a busy "
            "machine long queries yield to HTTP, cached answers and writes; on an idle one it changes nothing."
        ),
    )
    server_processes: int = Field(
        default=1,
        gt=0,
        description=(
            "HTTP server processes sharing the port, each with its own query workers; more than one uses more "
            "cores for HTTP (limits, caches and rate limits then apply per process). See docs/performance.md."
        ),
    )
    answer_cache_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=0,
        description="Memory for saved-query and page answers of the current release (X-Cache); 0 turns it off.",
    )
    rate_limit_per_minute: int = Field(
        default=0, ge=0, description="Queries a client may send per minute (429 with Retry-After past it); 0: no limit."
    )
    rate_limit_burst: int = Field(
        default=0, ge=0, description="Queries a client may send at once before the rate applies; 0: a minute's worth."
    )
    query_budget_seconds: float = Field(
        default=0.0,
        ge=0,
        description="Seconds of worker time a client's queries may use per budget window (then 429); 0: no budget.",
    )
    query_budget_window_seconds: float = Field(
        default=3600.0, gt=0, description="The window over which a client's worker time is budgeted."
    )
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description=(
            "Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For names the client "
            "(rate limits and budgets then apply to that client); from anyone else the header is ignored."
        ),
    )
    access_log: bool = Field(default=True, description="Log every request (uvicorn's access log).")
    query_queue_limit: int = Field(default=32, ge=0, description="Queries that may wait for a worker; then 503.")
    max_body_bytes: int = Field(default=16 * 1024 * 1024, gt=0, description="Largest request body (else 413).")
    max_rdf_nesting: int = Field(
        default=100,
        gt=0,
        description="Deepest nesting read in RDF (JSON-LD objects, XML elements, Turtle/TriG brackets); else 400.",
    )
    max_rdf_literal_bytes: int = Field(
        default=4 * 1024 * 1024,
        gt=0,
        description="Longest literal read in Turtle, TriG, N3 or an update's INSERT/DELETE DATA block; else 400.",
    )
    write_wait_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a write waits for the store's writer lock (another write, a rebuild); then 503.",
    )
    update_token: SecretStr | None = Field(
        default=None, description="Bearer token for writes; with none set, writes are disabled (403)."
    )
    service_allow: str = Field(
        default="",
        description="Comma-separated SPARQL endpoints that SERVICE and LOAD may reach; empty: none.",
    )
    cors_origins: str = Field(default="", description="Comma-separated origins allowed by CORS ('*' for any).")
    public_base_url: str = Field(
        default="",
        description=(
            "Where this service answers, e.g. https://ccg-graph.example.org (env CCG_GRAPH_PUBLIC_BASE_URL). "
            "Data IRIs under `base_url` are linked in HTML pages to the same path under this host; empty means "
            "the host of each request."
        ),
    )
    etag_refresh_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How long the store's fingerprint (the basis of linked-data ETags) is reused before it is re-read.",
    )

    # -- the store: embedded (pyoxigraph under build_dir) or a SPARQL database server (see docs/deployment.md)
    store: Literal["embedded", "sparql"] = Field(
        default="embedded", description="'embedded' (pyoxigraph on disk) or 'sparql' (a SPARQL 1.1 server)."
    )
    query_url: str | None = Field(default=None, description="The server's SPARQL 1.1 Query endpoint.")
    update_url: str | None = Field(default=None, description="The server's SPARQL 1.1 Update endpoint.")
    gsp_url: str | None = Field(default=None, description="The server's Graph Store Protocol endpoint (bulk loads).")
    remote_user: str | None = Field(default=None, description="User name for the server (with remote_password).")
    remote_password: SecretStr | None = None
    remote_auth: Literal["basic", "digest"] = Field(
        default="basic", description="How user and password are sent (Virtuoso's /sparql-auth wants digest)."
    )
    remote_token: SecretStr | None = Field(default=None, description="Bearer token for the server, instead of a user.")
    remote_timeout: float = Field(default=60.0, gt=0, description="Seconds to wait for the server's answer.")
    remote_union: Literal["parameter", "dataset", "server"] = Field(
        default="dataset",
        description=(
            "How a query sees the union of ccg-graph's graphs as its default graph: 'parameter' (Oxigraph's "
            "union-default-graph request parameter), 'dataset' (ccg-graph's graphs named in the request: any "
            "server, other datasets on it stay out), 'server' (the server's default graph already is the union)."
        ),
    )

    # -- read replicas (see docs/deployment.md and ccg_graph/replication/)
    replica_of: str | None = Field(
        default=None,
        description="The primary's base URL: this server is then a read replica of it (`serve --replica-of`).",
    )
    replica_poll_seconds: float = Field(
        default=0.5, gt=0, description="How often a replica asks its primary for new releases."
    )
    replica_max_lag_seconds: float = Field(
        default=30.0, gt=0, description="A replica's /healthz answers 503 once it is this far behind its primary."
    )

    @property
    def service_allow_list(self) -> tuple[str, ...]:
        return tuple(url.strip() for url in self.service_allow.split(",") if url.strip())

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [proxy.strip() for proxy in self.trusted_proxies.split(",") if proxy.strip()]

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def store_dir(self) -> Path:
        return self.build_dir / "store"

    @property
    def dump_path(self) -> Path:
        return self.build_dir / "ccg-graph.nq.gz"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own `Settings` instead)."""
    return Settings()
