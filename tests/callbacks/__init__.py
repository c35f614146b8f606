"""A callback receiver on 127.0.0.1 that records every POST and answers from a script, and API shortcuts."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from tests.factories import create_pass, create_project, create_template
from tests.support.servers import LocalServer, QuietHandler, served_by


@dataclass(frozen=True)
class Received:
    """One request as the receiver read it; header names in lower case."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver(LocalServer):
    """Serves on 127.0.0.1 (``port`` or any free one) in background threads. Each request is recorded
    when it has been read; then, after ``delay`` seconds, it is answered with the next of ``answers``
    (200 when they run out)."""

    host = "localhost"

    def __init__(self, port: int = 0, *, answers: Iterable[int] = (), delay: float = 0.0) -> None:
        super().__init__(_Handler, port)
        self.received: list[Received] = []
        self.answers = deque(answers)
        self.delay = delay

    def delivery_ids(self) -> set[str]:
        return {request.headers["webhook-id"] for request in list(self.received)}


class _Handler(QuietHandler):
    def do_POST(self) -> None:
        receiver: Receiver = served_by(self)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        receiver.received.append(Received("POST", self.path, headers, body))
        if receiver.delay and receiver.stopping.wait(receiver.delay):
            return
        status = receiver.answers.popleft() if receiver.answers else 200
        answer = b'{"ok": true}' if status < 300 else b'{"error": "refused on purpose"}'
        try:
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:
            pass  # the sender is gone (killed, or timed out): nothing to answer


@dataclass(frozen=True)
class Made:
    project_id: int
    template_id: int
    pass_id: int


async def project_with_pass(api: httpx.AsyncClient, *, external_id: str | None = None) -> Made:
    """A project with an Apple template and one pass, made through the API."""
    project = await create_project(api)
    template_id = await create_template(api, project["id"])
    if external_id is None:
        made = await create_pass(api, template_id)
    else:
        response = await api.post(f"/v1/pass/{template_id}/id/{external_id}", json={})
        assert response.status_code == 200, response.text
        made = response.json()
    return Made(project["id"], template_id, int(made["id"]))


async def set_callback(
    api: httpx.AsyncClient, project_id: int, base_url: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Register a callback spec (or replace it); the response, signing secret included."""
    path = f"/v1/project/{project_id}/settings/callback"
    body = {"baseUrl": base_url, "headers": headers or {}}
    response = await api.post(path, json=body)
    if response.status_code == 409:
        response = await api.put(path, json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
