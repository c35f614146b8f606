"""A path's requests, sent by wrk (the C load generator, Debian's ``wrk``) or by httpx; wrk's figures.

A load needs requests that differ from one to the next: a new pass each time, a new device registering,
the next of many passes. ``Requests`` says what its n-th request is, once for both clients: ``script``
writes it as a wrk Lua script whose ``request()`` builds each request with ``wrk.format`` (so the
benchmark measures the server, not a Python client's ceiling), ``Requests.send`` sends one with httpx
(the Python client, where wrk is missing). ``run`` runs wrk on this process's CPUs and reads
requests/s and the latency percentiles from its ``--latency`` report; any failed request fails it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from base64 import b64encode
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

JSON = {"Content-Type": "application/json"}
"""The header of a request with a JSON body."""
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
"""wrk's latency units, in milliseconds."""
TIMEOUT = "30s"
"""A request slower than this is an error to wrk (its default, 2 s, is near a busy machine's p99)."""

SCRIPT = """-- written by benchmarks/wrk.py: request n is `method` on targets[n % #targets + 1], "{{n}}" -> n
local method, body = {method}, {body}
local targets = {{
{targets}
}}
local n = 0

function init(args)
  n = tonumber(args[1] or "0") - 1
end

function request()
  n = n + 1
  local target, count = targets[n % #targets + 1], tostring(n)
  return wrk.format(method, (target[1]:gsub("{{n}}", count)), target[2], body and (body:gsub("{{n}}", count)))
end
"""


@dataclass(frozen=True)
class Requests:
    """The requests of a load: the n-th (from 0) is ``method`` on the path of ``targets[n % len(targets)]``
    with its headers and ``body``, ``{n}`` in that path and body replaced by n."""

    method: str
    targets: Sequence[tuple[str, Mapping[str, str]]]
    """Paths, each with the headers sent with it."""
    body: str | None = None

    @classmethod
    def of(cls, method: str, paths: Sequence[str], headers: Mapping[str, str], body: Any = None) -> Requests:
        """``paths`` in turn, each with ``headers``; ``body`` (if any) sent as JSON."""
        if body is None:
            return cls(method, [(path, headers) for path in paths])
        return cls(method, [(path, JSON | dict(headers)) for path in paths], json.dumps(body))

    async def send(self, client: httpx.AsyncClient, n: int) -> httpx.Response:
        """The n-th request, sent by ``client``."""
        path, headers = self.targets[n % len(self.targets)]
        count = str(n)
        body = None if self.body is None else self.body.replace("{n}", count)
        return await client.request(self.method, path.replace("{n}", count), headers=headers, content=body)


def basic(auth: tuple[str, str]) -> dict[str, str]:
    """The ``Authorization`` header of API key ``auth`` (key, secret)."""
    return {"Authorization": "Basic " + b64encode(":".join(auth).encode()).decode()}


def installed() -> bool:
    return shutil.which("wrk") is not None


def lua(text: str) -> str:
    """``text`` as a Lua string literal (JSON's escapes of quotes, backslashes and newlines are Lua's)."""
    return json.dumps(text, ensure_ascii=False)


def script(path: Path, requests: Requests) -> Path:
    """``requests`` written to ``path`` as a wrk Lua script (its first argument: the first request's n)."""
    lines = []
    for target, headers in requests.targets:
        fields = ", ".join(f"[{lua(name)}] = {lua(value)}" for name, value in headers.items())
        lines.append(f"  {{{lua(target)}, {{{fields}}}}}")
    body = "nil" if requests.body is None else lua(requests.body)
    path.write_text(SCRIPT.format(method=lua(requests.method), body=body, targets=",\n".join(lines)))
    return path


def run(url: str, file: Path, connections: int, seconds: float, first: int = 0) -> dict[str, float]:
    """One wrk run of script ``file`` from request ``first`` (one thread, on this process's CPUs, for
    ``seconds`` rounded to whole ones, wrk's unit): requests, requests/s and latency percentiles (ms);
    a ``SystemExit`` with wrk's report if any request failed (an error status, a socket error)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={TIMEOUT}",
               "--latency", "-s", str(file), url, "--", str(first)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    out = done.stdout
    requests = re.search(r"^\s+(\d+) requests in ", out, re.M)
    if done.returncode or done.stderr.strip() or "Non-2xx" in out or "Socket errors" in out or not requests:
        raise SystemExit(f"wrk failed on {url} ({file.name}):\n{out}{done.stderr}")
    found: dict[str, float] = {
        "requests": int(requests.group(1)),
        "per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
    }
    for share in ("50", "90", "99"):
        latency = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s|m)[ \t]*$", out, re.M)
        if latency is None:
            raise SystemExit(f"no {share}% latency in wrk's report on {url} ({file.name}):\n{out}")
        found[f"p{share}_ms"] = round(float(latency.group(1)) * UNITS[latency.group(2)], 1)
    return found
