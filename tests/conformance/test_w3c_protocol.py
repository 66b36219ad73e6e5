"""The W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests, from their manifests.

One case per manifest entry (id '<suite>/<entry>'). Every case must pass, or be listed in `EXPECTED_FAILURES`
with the reason; an expected failure is strict, so a case that starts passing fails until it is unlisted.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conformance.conftest import AUTH
from tests.conformance.manifest import load_cases, missing_reason
from tests.conformance.runner import run_case

#: Cases this server does not pass, and why. Keep this short and honest.
EXPECTED_FAILURES: dict[str, str] = {}

CASES = load_cases()


def _params() -> list[object]:
    params = []
    for case in CASES:
        marks = []
        if case.id in EXPECTED_FAILURES:
            marks.append(pytest.mark.xfail(strict=True, reason=EXPECTED_FAILURES[case.id]))
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


def test_the_manifests_are_there() -> None:
    reason = missing_reason()
    if reason is not None:
        pytest.fail(reason)
    assert len(CASES) >= 50, f"only {len(CASES)} cases were read from the manifests"


@pytest.mark.parametrize("case", _params())
def test_w3c(case, conformance_client: httpx.Client) -> None:
    run_case(conformance_client, case, AUTH)
