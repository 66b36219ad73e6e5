"""How much the harness measures: the quick, full and tiny profiles (durations, counts, scales)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Profile:
    """Every knob of one harness run, recorded in the results file."""

    name: str
    #: Scales of the synthetic dataset (1 is the base itself) loaded, served and measured for cost-vs-size.
    scales: tuple[int, ...]
    #: Scales at which full SHACL validation runs, and on what: "dataset" (the base) or "context" (the
    #: shapes' hand-made context slice, a few CCGs, where a full validation of the base does not fit the time).
    validation_scales: tuple[int, ...]
    validation_base: str
    #: One wrk run: at most this long and this many requests; the per-request time-out.
    http_seconds: float
    http_max_requests: int
    request_timeout_seconds: float
    #: A class whose first answer is slow gets runs of up to six answers' worth, within this.
    http_longest_seconds: float
    concurrencies: tuple[int, ...] = (1, 4, 8)
    #: The query classes loaded (see bench.workload).
    classes: tuple[str, ...] = ("lookup", "as_of", "lineage", "aggregate", "national_aggregate")
    #: Queries per class in the mix.
    per_class: int = 24
    #: Let the incremental-validation benchmark time its own full validation of the same graph (minutes).
    incremental_with_full: bool = True
    #: Compare rdflib-endpoint (its load alone takes most of a minute on the national graph).
    rdflib_endpoint: bool = True
    #: The lookup soak (bench.soak): its length and concurrency (the target is judged on a 60 s soak at c16).
    soak_seconds: float = 60
    soak_connections: int = 16
    #: The remote store (bench.remote_store): lookups timed both ways, and one wrk run's length per lookup and way.
    remote_lookups: int = 8
    remote_seconds: float = 1.0

    def as_dict(self) -> dict:
        return asdict(self)


QUICK = Profile(
    name="quick",
    scales=(1, 2),
    validation_scales=(1, 4),
    validation_base="context",
    http_seconds=1.0,
    http_max_requests=4000,
    request_timeout_seconds=5,
    http_longest_seconds=2.5,
    classes=("lookup", "as_of", "lineage", "aggregate"),
    incremental_with_full=False,
    soak_seconds=20,
)
FULL = Profile(
    name="full",
    scales=(1, 2, 5, 10),
    validation_scales=(1, 2, 10),
    validation_base="dataset",
    http_seconds=10,
    http_max_requests=50_000,
    request_timeout_seconds=60,
    http_longest_seconds=60,
    remote_lookups=24,
    remote_seconds=2.0,
)
TINY = Profile(
    name="tiny",
    scales=(1, 2),
    validation_scales=(1, 2),
    validation_base="dataset",
    http_seconds=1,
    http_max_requests=200,
    request_timeout_seconds=10,
    http_longest_seconds=2,
    per_class=4,
    concurrencies=(1, 8),
    soak_seconds=2,
    remote_lookups=2,
)
PROFILES = {p.name: p for p in (QUICK, FULL, TINY)}
