"""A local stand-in for Google Wallet's REST API, for tests and benchmarks: a real HTTP server on 127.0.0.1.

It serves what passmint's client uses: the token endpoint (JWT-bearer grant, the assertion verified
with the service account's public key), ``/walletobjects/v1/{vertical}Class|Object`` insert, get,
update, patch and addMessage, ``/batch``, and the callback root keys. Every class and object it receives
is checked against the walletobjects discovery document (``tests.support.walletobjects``): a violation
answers 400 in Google's error shape, as Google would. It enforces a rate limit per service account (the
same generic cell rate algorithm as passmint's limiter, with some slack for the network) and Google's
3 notifications per object per 24 hours, and records every call for tests to read.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from passmint.google import ServiceAccount
from tests.support.servers import LocalServer, QuietHandler, served_by
from tests.support.walletobjects import problems, schema_name

SCOPE = "https://www.googleapis.com/auth/wallet_object.issuer"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
RESOURCE = re.compile(r"/walletobjects/v1/([a-zA-Z]+(?:Class|Object))(?:/([A-Za-z0-9._-]+))?(/addMessage)?")
NOTIFICATIONS_PER_DAY = 3
MAX_MESSAGES = 10


@dataclass(frozen=True)
class Call:
    """One call the stand-in answered (a batch part counts as one)."""

    method: str
    path: str
    status: int
    at: float
    body: dict[str, Any] | None = None


@dataclass
class Reply:
    status: int
    body: dict[str, Any]


class GoogleStandin(LocalServer):
    """The stand-in; ``trust(account)`` lets a service account get tokens. ``rps`` is the rate it allows
    per account (None: no limit), ``slack`` the seconds of lateness it forgives."""

    def __init__(self, *, rps: float | None = None, slack: float = 1.0) -> None:
        super().__init__(_Handler)
        self.rps, self.slack = rps, slack
        self.lock = threading.Lock()
        self.accounts: dict[str, Any] = {}
        self.tokens: dict[str, str] = {}
        self.resources: dict[str, dict[str, dict[str, Any]]] = {}
        self.calls: list[Call] = []
        self.refused_for_rate = 0
        self.notified: dict[str, list[float]] = {}
        self.arrival: dict[str, float] = {}
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.fail_next: list[int] = []
        """Statuses to answer to the next walletobjects calls instead of handling them (429, 503...)."""

    @property
    def api_url(self) -> str:
        return self.url("/")

    @property
    def token_url(self) -> str:
        return self.url("/token")

    @property
    def keys_url(self) -> str:
        return self.url("/issuer/keys")

    def forget(self) -> None:
        """Back to no objects, classes or calls (a stand-in shared by several tests)."""
        with self.lock:
            self.resources.clear()
            self.calls.clear()
            self.notified.clear()
            self.arrival.clear()

    def trust(self, account: ServiceAccount) -> None:
        self.accounts[account.client_email] = account.private_key.public_key()

    def resource(self, resource_type: str, resource_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self.resources.get(resource_type, {}).get(resource_id)

    def calls_of(self, method: str, path_part: str = "") -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.method == method and path_part in call.path]

    def busiest_second(self) -> int:
        """The most calls answered within any one second."""
        with self.lock:
            times = sorted(call.at for call in self.calls)
        most, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= 1.0:
                start += 1
            most = max(most, end - start + 1)
        return most

    def keys_document(self) -> dict[str, Any]:
        der = self.root_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        expiry = str(int((time.time() + 86400 * 365) * 1000))
        value = base64.b64encode(der).decode()
        return {"keys": [{"keyValue": value, "protocolVersion": "ECv2SigningOnly", "keyExpiration": expiry}]}

    def stats(self) -> dict[str, Any]:
        """What a benchmark reads: the object patches answered, their span, the busiest second, refusals."""
        patches = [call for call in self.calls_of("PATCH", "Object/") if call.status == 200]
        span = patches[-1].at - patches[0].at if len(patches) > 1 else 0.0
        return {
            "patches": len(patches),
            "seconds": span,
            "busiest_second": self.busiest_second(),
            "refused_for_rate": self.refused_for_rate,
        }

    def control(self, method: str, path: str, body: Any) -> Reply:
        if method == "GET" and path == "/standin/stats":
            return Reply(200, self.stats())
        if method == "POST" and path == "/standin/resources" and isinstance(body, dict):
            with self.lock:
                for resource_type, found in body.items():
                    self.resources.setdefault(resource_type, {}).update(found)
            return Reply(200, {})
        return error(404, f"No control {method} {path}", "notFound")

    # --- answering (under self.lock) ---

    def grant(self, form: dict[str, list[str]]) -> Reply:
        if (
            form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
            or "assertion" not in form
        ):
            return Reply(400, {"error": "unsupported_grant_type"})
        assertion = form["assertion"][0]
        issuer = jwt.decode(assertion, options={"verify_signature": False}).get("iss")
        key = self.accounts.get(issuer)
        if key is None:
            return Reply(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
        try:
            claims = jwt.decode(
                assertion, key, algorithms=["RS256"], audience=[self.token_url, GOOGLE_TOKEN_URL]
            )
        except jwt.PyJWTError as error:
            return Reply(400, {"error": "invalid_grant", "error_description": str(error)})
        if SCOPE not in str(claims.get("scope", "")).split():
            return Reply(400, {"error": "invalid_scope"})
        token = "ya29.standin-" + secrets.token_urlsafe(16)
        self.tokens[token] = issuer
        return Reply(200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"})

    def admit(self, account: str, cost: int) -> bool:
        """The rate limit (GCRA, one second's burst plus ``slack``): whether ``cost`` calls may go now."""
        if self.rps is None:
            return True
        now = time.monotonic()
        arrival = max(self.arrival.get(account, now), now) + cost / self.rps
        if arrival - 1.0 - self.slack > now:
            self.refused_for_rate += cost
            return False
        self.arrival[account] = arrival
        return True

    def handle(self, method: str, path: str, body: Any) -> Reply:
        if self.fail_next:
            status = self.fail_next.pop(0)
            return error(status, "The service is currently unavailable.", "backendError")
        match = RESOURCE.fullmatch(path)
        if match is None:
            return error(404, f"No route {method} {path}", "notFound")
        resource_type, resource_id, add_message = match.groups()
        if method == "POST" and resource_id is None:
            return self._insert(resource_type, body)
        if resource_id is None:
            return error(405, "Method not allowed", "badRequest")
        if add_message and method == "POST":
            return self._add_message(resource_type, resource_id, body)
        if method == "GET":
            found = self.resources.get(resource_type, {}).get(resource_id)
            return Reply(200, found) if found is not None else _missing(resource_type, resource_id)
        if method in {"PUT", "PATCH"}:
            return self._change(resource_type, resource_id, body, partial=method == "PATCH")
        return error(405, "Method not allowed", "badRequest")

    def _insert(self, resource_type: str, body: Any) -> Reply:
        wrong = problems(schema_name(resource_type), body) or _too_many_messages(body)
        if wrong:
            return error(400, "Invalid resource: " + "; ".join(wrong[:5]), "invalidResource")
        stored = self.resources.setdefault(resource_type, {})
        if body["id"] in stored:
            return error(409, f"Resource {body['id']} already exists.", "duplicate")
        if resource_type.endswith("Object"):
            class_type = resource_type.removesuffix("Object") + "Class"
            if body.get("classId") not in self.resources.get(class_type, {}):
                return error(404, f"Class {body.get('classId')} not found.", "classNotFound")
        stored[body["id"]] = body
        return Reply(200, body)

    def _change(self, resource_type: str, resource_id: str, body: Any, *, partial: bool) -> Reply:
        found = self.resources.get(resource_type, {}).get(resource_id)
        if found is None:
            return _missing(resource_type, resource_id)
        wrong = problems(schema_name(resource_type), body, partial=partial)
        merged = {**found, **body} if partial and isinstance(body, dict) else body
        wrong = wrong or problems(schema_name(resource_type), merged) or _too_many_messages(merged)
        if wrong:
            return error(400, "Invalid resource: " + "; ".join(wrong[:5]), "invalidResource")
        if merged.get("id") != resource_id:
            return error(400, "The resource id does not match the path.", "invalidResource")
        self.resources[resource_type][resource_id] = merged
        return Reply(200, merged)

    def _add_message(self, resource_type: str, resource_id: str, body: Any) -> Reply:
        found = self.resources.get(resource_type, {}).get(resource_id)
        if found is None:
            return _missing(resource_type, resource_id)
        wrong = problems("AddMessageRequest", body)
        if wrong or not isinstance(body.get("message"), dict):
            return error(400, "Invalid message: " + "; ".join(wrong[:5] or ["no message"]), "invalidResource")
        message = body["message"]
        messages = list(found.get("messages", []))
        if message.get("id") is not None and any(old.get("id") == message["id"] for old in messages):
            return error(409, f"Message {message['id']} already exists.", "duplicate")
        if len(messages) >= MAX_MESSAGES:
            return error(400, f"An object holds at most {MAX_MESSAGES} messages.", "invalidResource")
        if message.get("messageType") == "TEXT_AND_NOTIFY":
            now = time.time()
            sent = [at for at in self.notified.get(resource_id, []) if at > now - 86400]
            if len(sent) >= NOTIFICATIONS_PER_DAY:
                return error(
                    400, "QuotaExceededException: too many notifications for this object", "quotaExceeded"
                )
            self.notified[resource_id] = [*sent, now]
        found = {**found, "messages": [*messages, message]}
        self.resources[resource_type][resource_id] = found
        return Reply(200, {"resource": found})


def _too_many_messages(body: Any) -> list[str]:
    """Google keeps at most ``MAX_MESSAGES`` messages on a class or object."""
    messages = body.get("messages", []) if isinstance(body, dict) else []
    return [f"messages: at most {MAX_MESSAGES}"] if len(messages) > MAX_MESSAGES else []


def error(status: int, message: str, reason: str) -> Reply:
    """An answer in Google's error shape."""
    errors = [{"domain": "global", "reason": reason, "message": message}]
    return Reply(status, {"error": {"code": status, "message": message, "errors": errors}})


def _missing(resource_type: str, resource_id: str) -> Reply:
    return error(404, f"No {resource_type} with id {resource_id}.", "resourceNotFound")


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        standin: GoogleStandin = served_by(self)
        path = urlsplit(self.path).path
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path == "/token" and method == "POST":
            with standin.lock:
                self._answer(standin.grant(parse_qs(raw.decode())))
            return
        if path == "/issuer/keys":
            self._answer(Reply(200, standin.keys_document()))
            return
        if path.startswith("/standin/"):  # the controls of a stand-in run as a process of its own
            self._answer(standin.control(method, path, _json(raw)))
            return
        account = standin.tokens.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
        if account is None:
            self._answer(error(401, "Request had invalid authentication credentials.", "authError"))
            return
        if path == "/batch" and method == "POST":
            self._batch(standin, account, raw)
            return
        with standin.lock:
            reply = self._one(standin, account, method, path, raw)
        self._answer(reply)

    def _one(
        self,
        standin: GoogleStandin,
        account: str,
        method: str,
        path: str,
        raw: bytes,
        *,
        admitted: bool | None = None,
    ) -> Reply:
        body = _json(raw)
        if not (standin.admit(account, 1) if admitted is None else admitted):
            reply = error(429, "Rate limit exceeded.", "rateLimitExceeded")
        elif raw and body is None:
            reply = error(400, "Invalid JSON payload received.", "parseError")
        else:
            reply = standin.handle(method, path, body)
        standin.calls.append(Call(method, path, reply.status, time.monotonic(), body))
        return reply

    def _batch(self, standin: GoogleStandin, account: str, raw: bytes) -> None:
        header = b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n"
        message = BytesParser(policy=HTTP).parsebytes(header + raw)
        if not message.is_multipart():
            self._answer(error(400, "A batch must be multipart/mixed.", "badRequest"))
            return
        parts = list(message.iter_parts())
        boundary = "batch_" + secrets.token_hex(8)
        chunks = []
        with standin.lock:
            admitted = standin.admit(account, len(parts))
            for part in parts:
                inner = part.get_payload(decode=True)
                assert isinstance(inner, bytes)
                head, _, body = inner.replace(b"\r\n", b"\n").partition(b"\n\n")
                method, target = head.split(b"\n", 1)[0].decode().split(" ")[:2]
                path = urlsplit(target).path
                reply = self._one(standin, account, method, path, body.strip(), admitted=admitted)
                content_id = str(part.get("Content-ID", "")).strip().strip("<>")
                text = json.dumps(reply.body)
                chunks.append(
                    f"--{boundary}\r\nContent-Type: application/http\r\n"
                    f"Content-ID: <response-{content_id}>\r\n\r\n"
                    f"HTTP/1.1 {reply.status} X\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                    f"{text}\r\n"
                )
        chunks.append(f"--{boundary}--\r\n")
        self._send(200, "".join(chunks).encode(), f"multipart/mixed; boundary={boundary}")

    def _answer(self, reply: Reply) -> None:
        self._send(reply.status, json.dumps(reply.body).encode(), "application/json; charset=UTF-8")

    def _send(self, status: int, content: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def main() -> None:
    """Run the stand-in as a process of its own (for benchmarks): it trusts the service accounts of the
    key files given and writes its URL to ``--ready-file`` once it listens."""
    import argparse
    import signal
    from pathlib import Path

    from passmint.google import parse_service_account

    parser = argparse.ArgumentParser(description="The Google Wallet REST API stand-in")
    parser.add_argument("--rps", type=float, default=None)
    parser.add_argument("--slack", type=float, default=0.5)
    parser.add_argument("--trust", action="append", default=[], help="a service account's key file")
    parser.add_argument("--issuer", default="3388000000000000000")
    parser.add_argument("--ready-file", required=True)
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with GoogleStandin(rps=args.rps, slack=args.slack) as standin:
        for key_file in args.trust:
            standin.trust(parse_service_account(Path(key_file).read_bytes(), args.issuer))
        Path(args.ready_file).write_text(json.dumps({"url": standin.url("/")}))
        stop.wait()


if __name__ == "__main__":
    main()
