"""The OpenAPI document the fuzzer works from, its budget, and the hooks that aim ids at seeded objects."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.schemas import APIOperation

from passmint.app import create_app
from passmint.config import Settings
from tests.fuzz.seeds import Seeds

EXAMPLES = int(os.environ.get("PASSMINT_FUZZ_EXAMPLES", "10"))
"""Generated requests per operation (the fuzzing phase)."""
COVERAGE = os.environ.get("PASSMINT_FUZZ_COVERAGE", "") == "1"
"""Also run schemathesis's coverage phase: every boundary and wrong-type value of every parameter and
body property, deterministically (thousands of requests, a few minutes)."""
SEED = int(os.environ.get("PASSMINT_FUZZ_SEED", "0"))
"""With the default 0 every run sends the same requests; set another number to explore elsewhere."""

HOSTILE: list[str | int] = [
    2**63, 2**63 - 1, -(2**63) - 1, 2**64, 0, -1,
    "", " ", "\x00", "a\x00b", "²", "9223372036854775808", "1e400", "NaN", "{", "id/", "%", "..",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01", "9999-12-31",
    "http://xn--/a.png", "http://a..b/a.png", "http://\u00ad/a.png", "http://localhost:0/a.png",
]  # fmt: skip
"""Values known to break servers (int64 edges, NUL, superscript digits, extreme dates, bad IDNA hosts):
mixed into generated strings and integers, so a budget of a few requests per operation meets them."""

CONFIG = SchemathesisConfig.from_dict(
    {
        "dictionaries": {"hostile": {"values": HOSTILE}},
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "deterministic": SEED == 0,
            "database": "none",
            "with-security-parameters": False,
            "dictionaries": {
                kind: {"dictionary": "hostile", "probability": 0.25} for kind in ("string", "integer")
            },
        },
        "phases": {"coverage": {"enabled": COVERAGE}},
        # 501 is documented where a feature is not built yet (Google passes, segments)
        "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "3xx", "4xx", "501"]}},
    }
    | ({"seed": SEED} if SEED else {})
)


async def _document() -> dict[str, Any]:
    """``/openapi.json`` as the app serves it (no lifespan needed: the document needs no database)."""
    app = create_app(Settings(data_dir=Path("/nonexistent-fuzz-data-dir")))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        response = await client.get("/openapi.json")
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


DOCUMENT = asyncio.run(_document())
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


class Aim:
    """The seeded objects of the running test; the hook below draws path ids and Apple tokens from them."""

    seeds = Seeds()


def _choices(values: dict[str, Any], slots: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    """``values`` with each one replaced, or not, by a seeded value for its slot (Hypothesis chooses)."""
    return st.fixed_dictionaries(
        {name: st.sampled_from([value, *slots.get(name, [])]) for name, value in values.items()}
    )


def _aimed(case: Case, path: dict[str, Any], headers: dict[str, Any]) -> Case:
    """``case`` with these values in place, still the positive case it was generated as.

    Left as plain edits, schemathesis would revalidate the whole path against the schema on its next
    look, measuring the generated values in their percent-encoded form (a 200-character device id
    becomes 600): a valid request would be judged invalid. The seeded values are valid, so the edited
    case is taken as the starting state.
    """
    case.path_parameters.update(path)
    case.headers.update(headers)
    case._record_starting_state()
    return case


@schema.hook("flatmap_case")
def aim(_context: Any, case: Case) -> st.SearchStrategy[Case]:
    """Point a case's ids at seeded objects, sometimes, where it meant them to be valid."""
    meta, slots = case.meta, Aim.seeds.by_slot
    path: dict[str, Any] = {}
    headers: dict[str, Any] = {}
    if meta is not None and not meta.is_negative_at(ParameterLocation.PATH):
        path = {name: value for name, value in (case.path_parameters or {}).items() if name in slots}
    if meta is not None and not meta.is_negative_at(ParameterLocation.HEADER):
        headers = {name: value for name, value in (case.headers or {}).items() if name in slots}
    if not path and not headers:
        return st.just(case)
    chosen = st.tuples(_choices(path, slots), _choices(headers, slots))
    return chosen.map(lambda values: _aimed(case, *values))


def operation_named(label: str) -> APIOperation:
    """The operation labelled ``"GET /v1/pass/{passId}"``."""
    method, path = label.split(" ", 1)
    return schema[path][method]
