"""Structured logs: one JSON object a line, with a record's extra fields."""

from __future__ import annotations

import json
import logging

from passmint.logs import JsonFormatter


def test_a_record_is_one_json_object_with_its_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "passmint.http", "levelname": "INFO", "msg": "GET %s %s", "args": ("/v1/project", 200),
         "status": 200, "color_message": "\x1b[36mGET\x1b[0m"}
    )  # fmt: skip
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /v1/project 200"
    assert (entry["level"], entry["logger"], entry["status"]) == ("info", "passmint.http", 200)
    assert entry["time"].endswith("Z")
    assert "color_message" not in entry
