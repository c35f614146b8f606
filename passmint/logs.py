"""Logging: one JSON object a line when stderr is not a terminal, readable lines when it is.

Nothing secret is logged: paths that carry a credential are redacted (``redact_path``), and a
database error is logged without the values it carries (``HideDatabaseValues``).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import sys
import traceback
from typing import Any

from sqlalchemy.exc import StatementError

from passmint.kit.time import format_utc, utcnow

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"color_message"}  # uvicorn's copy for terminals

SECRET_PATHS = (re.compile(r"^(/v1/download/pass/)[^/]+"), re.compile(r"^(/v1/pass/dynamic/)[^/]+"))
"""Paths with a credential in them: a public install link's token fetches the pass (and with it the
pass's ``authenticationToken``), and a dynamic pass link's id makes or fetches its pass. Apple's web
service paths carry device ids and serial numbers, which identify but do not authorize (its
credential is a header), so they stay readable."""
REDACTED = "[redacted]"
MAX_STATEMENT = 2000


def redact_path(path: str) -> str:
    """``path`` as it may be logged: the secret part of a public link replaced by ``[redacted]``."""
    for pattern in SECRET_PATHS:
        path = pattern.sub(lambda match: match.group(1) + REDACTED, path)
    return path


class HideDatabaseValues(logging.Filter):
    """Keeps the values a database error carries out of a record that logs it.

    The engine already hides statement parameters (``hide_parameters``), but the database's own text
    quotes values too (PostgreSQL's ``DETAIL: Key (token)=(...)``, ``Failing row contains (...)``).
    Such a record keeps its traceback's frames and exception types, and gains ``database_error``:
    the error's kind, SQLSTATE, constraint and statement (with placeholders, never values).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        database_error = next((e for e in _chain(error) if isinstance(e, StatementError)), None)
        if error is not None and database_error is not None:
            record.exc_info = None
            record.exc_text = _frames_only(error)
            record.database_error = database_error_fields(database_error)
        return True


def database_error_fields(error: StatementError) -> dict[str, Any]:
    """What an operator needs to know of a database error, without the values in it."""
    driver = getattr(error, "orig", None)
    cause = getattr(driver, "__cause__", None) or driver  # asyncpg's own error, behind SQLAlchemy's adapter
    fields: dict[str, Any] = {
        "kind": type(error).__name__,
        "statement": (error.statement or "")[:MAX_STATEMENT],
    }
    if driver is not None:
        fields["driver_error"] = type(cause).__name__
    if sqlstate := getattr(driver, "sqlstate", None) or getattr(cause, "sqlstate", None):
        fields["sqlstate"] = sqlstate
    for name in ("table_name", "column_name", "constraint_name"):
        if value := getattr(cause, name, None):
            fields[name] = value
    if isinstance(driver, sqlite3.Error):
        fields["message"] = str(driver)  # SQLite's messages name tables, columns and constraints, not values
    return fields


def _chain(error: BaseException | None) -> list[BaseException]:
    """``error`` and the exceptions it was raised from or during, oldest first."""
    chain: list[BaseException] = []
    while error is not None and error not in chain:
        chain.insert(0, error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return chain


def _frames_only(error: BaseException) -> str:
    """A traceback of ``error`` and its causes with every frame, but none of the exceptions' texts."""
    parts = []
    for each in _chain(error):
        frames = "".join(traceback.format_list(traceback.extract_tb(each.__traceback__)))
        kind = f"{type(each).__module__}.{type(each).__qualname__}"
        parts.append(
            f"Traceback (most recent call last):\n{frames}{kind}: (text withheld: it may quote values)"
        )
    return "\n\nThe above exception led to the following exception:\n\n".join(parts)


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON with its ``extra`` fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": format_utc(utcnow()),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    """Send every logger (uvicorn's too) through one handler on the root logger."""
    handler = logging.StreamHandler(sys.stderr)
    if sys.stderr.isatty():
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s  %(message)s"))
    else:
        handler.setFormatter(JsonFormatter())
    handler.addFilter(HideDatabaseValues())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
