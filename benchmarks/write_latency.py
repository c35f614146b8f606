"""Latency of passmint's hot API paths under a C load generator (wrk), on a CPU of its own; prints JSON.

The Python load client of ``baseline.py`` tops out near 650 requests a second on the reference machine
and its own scheduling puts about 120 ms on any p99, the minimal app's ``hello`` included; so the
issue 13 target "p99 of create and update at 16 in flight under 100 ms" is measured here with wrk
(Debian's ``wrk`` package): ``passmint serve`` (one process, SQLite) runs on the last CPU, wrk on the
others, ``--connections`` requests in flight for ``--seconds`` per path after a warm-up. Prints, per
path (get, create, update a pass), requests/s and the p50/p90/p99 latency wrk reports. Without wrk it
says so in its JSON and exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from base64 import b64encode
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.baseline import SERVER_CPUS, apart, pin
from benchmarks.issue_passes import SERVER_PID, api_key, coupon_template, issue_pass, server

SCRIPT = """wrk.method = "{method}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "{authorization}"
wrk.body = {body}
"""
BODIES = {
    "create": (
        "POST",
        {"fields": {"Coupon": {"value": "20%"}}, "headers": {"barcode_value": {"value": "M1"}}},
    ),
    "update": ("PUT", {"fields": {"Coupon": {"value": "30%"}}}),
    "get": ("GET", None),
}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    """One wrk run on this process's CPUs: requests/s and latency percentiles (ms); fails on any error."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw errors:\n{out}")
    found: dict[str, float] = {"per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for share in ("50", "90", "99"):
        value, unit = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s)$", out, re.M).groups()  # type: ignore[union-attr]
        found[f"p{share}_ms"] = round(float(value) * UNITS[unit], 1)
    return found


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
        authorization = "Basic " + b64encode(":".join(auth).encode()).decode()
        paths = {
            "get": f"/v1/pass/{pass_id}",
            "create": f"/v1/pass/{template_id}",
            "update": f"/v1/pass/{pass_id}",
        }
        figures = {}
        for name, path in paths.items():
            method, body = BODIES[name]
            script = Path(scripts) / f"{name}.lua"
            lua_body = "nil" if body is None else json.dumps(json.dumps(body))
            script.write_text(SCRIPT.format(method=method, authorization=authorization, body=lua_body))
            wrk(url + path, script, connections, min(seconds, 3))  # warm-up: caches, compiled statements
            figures[name] = wrk(url + path, script, connections, seconds)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="load time per path")
    parser.add_argument("--connections", type=int, default=16, help="requests in flight")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print(json.dumps({"installed": False, "needs": "wrk (apt-get install wrk)"}))
        return
    apart()
    figures = run(args.connections, args.seconds)
    print(json.dumps({"database": "sqlite", "workers": 1, "server_cpus": sorted(SERVER_CPUS) or "shared",
                      "client_cpus": sorted(os.sched_getaffinity(0)), "connections": args.connections,
                      "seconds": args.seconds, "paths": figures}))  # fmt: skip


if __name__ == "__main__":
    main()
