"""Dereferencing: HTML and JSON-LD pages per second for ``/id/...`` IRIs served by ccg-graph itself.

The pages come with the linked-data feature; until the served code answers ``GET /id/...`` with a page, this
measurement fails with the reason, and the results say so (no number is invented for a page that is not there).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from bench.procs import FeatureMissing, Server
from bench.profile import Profile
from bench.wrk import run_profile_wrk
from ccg_graph.core.namespaces import ID_BASE

MEDIA_TYPES = {"html": "text/html", "jsonld": "application/ld+json"}
_SITE_BASE = ID_BASE.removesuffix("id/")


def page_paths(iris: list[str]) -> list[str]:
    """The server paths of instance IRIs (``https://w3id.org/ccg-graph/id/ccg/00C`` -> ``/id/ccg/00C``)."""
    return ["/" + iri.removeprefix(_SITE_BASE) for iri in iris if iri.startswith(ID_BASE)]


def resolve_page(server: Server, path: str, media_type: str) -> str:
    """The path that finally serves `path` as `media_type` (after any 303 redirect), or why there is none."""
    response = httpx.get(server.base_url + path, headers={"Accept": media_type}, timeout=30, follow_redirects=True)
    served = response.headers.get("content-type", "").split(";")[0].strip()
    if response.status_code != 200 or served != media_type:
        raise FeatureMissing(
            f"GET {path} with Accept: {media_type} answered {response.status_code} ({served or 'no content type'}): "
            "the linked-data pages (/id/... as HTML and JSON-LD) are not served by this build"
        )
    return response.url.raw_path.decode("ascii")


def measure_pages(server: Server, iris: list[str], profile: Profile, work_dir: Path) -> dict:
    """Pages per second for each representation, at each concurrency, after checking one page of each."""
    paths = page_paths(iris)
    if not paths:
        raise FeatureMissing("no instance IRIs to dereference")
    results: dict = {"pages": len(paths)}
    for name, media_type in MEDIA_TYPES.items():
        final = [resolve_page(server, path, media_type) for path in paths]
        results[name] = {"redirected": sum(1 for a, b in zip(paths, final, strict=True) if a != b)}
        for connections in profile.concurrencies:
            script = work_dir / f"pages-{name}-c{connections}.lua"
            results[name][f"c{connections}"] = run_profile_wrk(
                server.base_url, final, profile, connections, script, accept=media_type
            )
    return results
