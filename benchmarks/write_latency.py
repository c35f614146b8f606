"""Latency of passmint's hot API paths under a C load generator (wrk), on a CPU of its own; prints JSON.

The issue 13 target "p99 of create and update at 16 in flight under 100 ms", measured with wrk
(Debian's ``wrk`` package, run through ``wrk.py`` as ``baseline.py`` does; a Python load client's own
scheduling puts about 120 ms on any p99): ``passmint serve`` (one process, SQLite) runs on the last
CPU, wrk on the others, ``--connections`` requests in flight for ``--seconds`` per path after a
warm-up. Prints, per path (get, create, update a pass), requests/s and the p50/p90/p99 latency wrk
reports (``wrk.run``). Without wrk it says so in its JSON and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import wrk
from benchmarks.baseline import SERVER_CPUS, apart, pin
from benchmarks.issue_passes import SERVER_PID, api_key, coupon_template, issue_pass, pass_body, server
from benchmarks.wrk import Requests, basic

BODIES = {
    "create": ("POST", pass_body("M1", "20%")),
    "update": ("PUT", {"fields": {"Coupon": {"value": "30%"}}}),
    "get": ("GET", None),
}


async def prepare(url: str, auth: tuple[str, str]) -> tuple[int, int]:
    """A coupon template and one pass of it: their ids."""
    async with httpx.AsyncClient(base_url=url, auth=auth, timeout=60) as client:
        template_id = await coupon_template(client)
        return template_id, await issue_pass(client, template_id, 0)


def run(connections: int, seconds: int) -> dict[str, dict[str, float]]:
    with server(None, 1) as (url, env), tempfile.TemporaryDirectory() as scripts:
        pin(int(env[SERVER_PID]))
        auth = api_key(env)
        template_id, pass_id = asyncio.run(prepare(url, auth))
        paths = {
            "get": f"/v1/pass/{pass_id}",
            "create": f"/v1/pass/{template_id}",
            "update": f"/v1/pass/{pass_id}",
        }
        figures = {}
        for name, path in paths.items():
            method, body = BODIES[name]
            script = wrk.script(Path(scripts) / f"{name}.lua", Requests.of(method, [path], basic(auth), body))
            wrk.run(url, script, connections, min(seconds, 3))  # warm-up: caches, compiled statements
            figures[name] = wrk.run(url, script, connections, seconds)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="load time per path")
    parser.add_argument("--connections", type=int, default=16, help="requests in flight")
    args = parser.parse_args()
    if not wrk.installed():
        print(json.dumps({"installed": False, "needs": "wrk (apt-get install wrk)"}))
        return
    apart()
    figures = run(args.connections, args.seconds)
    print(json.dumps({"database": "sqlite", "workers": 1, "server_cpus": sorted(SERVER_CPUS) or "shared",
                      "client_cpus": sorted(os.sched_getaffinity(0)), "connections": args.connections,
                      "seconds": args.seconds, "paths": figures}))  # fmt: skip


if __name__ == "__main__":
    main()
