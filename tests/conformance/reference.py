"""Read the example requests and answers out of the Airship reference (the text dump in ``spec/003``).

The reference is a dump of web pages. Each operation opens with a heading line (``PUT /template/{id}``),
then shows its examples as raw HTTP: a request line (``PUT /v1/template/12345 HTTP/1.1``), headers, a
blank line and a JSON body; an answer is ``HTTP/1.1 200 OK``, headers and a body. The page's tabs are
dumped one after the other, so the same request appears several times ("Example request", then again
in "Response" followed by its answer), and a request with an external id often follows its numeric
twin with one answer for both. Hence the pairing rule: requests that follow each other with only blank
lines between them form a run, and an answer right after a run answers every request in it. A request
shown several times is one example; it takes the first answer any of its showings has.

The few places where the text cannot be read that way are in ``REPAIRS`` and ``OVERRIDES``, each with
its reason, so that everything else stays automatic.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SPEC_NAME = "003_98dd2a0b2afeda57.txt"
HEADING = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S*)$")
REQUEST = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S*) HTTP/1\.1\s*$")
ANSWER = re.compile(r"^HTTP/1\.1 (\d{3})\b")
DOCUMENTED = re.compile(r"^  • (\d{3})\s*$")
FILE_BODY = re.compile(r"^\[\.\w+\]$")
"""An answer body the reference shows as a placeholder for a file, e.g. ``[.pkpass]``."""


@dataclass(frozen=True)
class Repair:
    """A fix to a body the reference prints as invalid JSON: ``old`` becomes ``new``."""

    old: str
    new: str
    reason: str


REPAIRS: dict[int, Repair] = {
    4641: Repair(
        '"value": "Image description for title image"\n',
        '"value": "Image description for title image",\n',
        "Update template v2: a comma is missing after the image field's value",
    ),
    5881: Repair(
        "    },\n  ]\n}", "    }\n  ]\n}", "Create multiple adaptive links: a trailing comma in a list"
    ),
    16493: Repair(
        '"baseName", "pass.wallet.myName.anotherTest"',
        '"baseName": "pass.wallet.myName.anotherTest"',
        "List certificates: a comma where the colon goes",
    ),
    16640: Repair(
        '"updatedAt": "2016-05-26T22:23:21Z",\n}',
        '"updatedAt": "2016-05-26T22:23:21Z"\n}',
        "Add certificate: a trailing comma before the end",
    ),
}
"""Bodies the reference prints as invalid JSON, by the line their body starts on."""


@dataclass(frozen=True)
class Override:
    """What the extractor cannot read by itself about the example whose request is on ``line``."""

    reason: str
    target: str | None = None
    operation: str | None = None


OVERRIDES: dict[int, Override] = {
    8731: Override(
        "Create dynamic pass: the example sits under 'Delete pass' with no heading of its own, and writes "
        "its query string with '&' where '?' goes",
        target="/v1/pass/12345/dynamic?expiry=2017-05-18",
        operation="POST /pass/{templateId}/dynamic",
    ),
    **{
        line: Override(
            "Project and template activity: the examples add the /{startDate}/{endDate} range their heading "
            "leaves out (passmint serves both forms)",
            operation=f"GET /{kind}/{{{kind}Id}}/activity/{{startDate}}/{{endDate}}",
        )
        for line, kind in ((15258, "project"), (15267, "project"), (15542, "template"), (15551, "template"))
    },
    3458: Override(
        "Create template with external ID: the example adds the 'project/' segment its heading leaves out "
        "(passmint serves both forms)",
        operation="POST /template/project/{projectId}/id/{templateExternalId}",
    ),
}


@dataclass(frozen=True)
class Example:
    """One example request of the reference, with the answer it shows and what its operation documents."""

    line: int
    method: str
    target: str
    body: Any
    operation: str
    documented: tuple[int, ...]
    status: int | None = None
    answer: Any = None
    answer_is_file: bool = False
    answer_line: int | None = None

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    @property
    def name(self) -> str:
        return f"L{self.line} {self.method} {self.target}"


@dataclass
class _Block:
    line: int
    end: int
    request: tuple[str, str] | None = None
    status: int | None = None
    text: str | None = None
    body_line: int | None = None
    follows: bool = False
    """Only blank lines stand between the previous block and this one."""


@dataclass
class _Operation:
    heading: str
    documented: list[int] = field(default_factory=list)


def find_reference(start: Path) -> Path | None:
    """``shared/spec/003…`` beside the repository (or beside a folder holding it, for worktrees)."""
    for folder in start.resolve().parents:
        candidate = folder / "shared" / "spec" / SPEC_NAME
        if candidate.is_file():
            return candidate
    return None


@cache
def load(path: Path) -> tuple[Example, ...]:
    """Every distinct example request of the reference, in the order it first appears."""
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks = _blocks(lines)
    operations = _operations(lines)
    answers = _answers(blocks)
    examples: dict[tuple[str, str, str], Example] = {}
    for index, block in enumerate(blocks):
        if block.request is None:
            continue
        method, target = block.request
        key = (method, target, _canonical(block.text))
        answer_block = answers.get(index)
        known = examples.get(key)
        if known is not None:
            if known.status is None and answer_block is not None:
                examples[key] = _with_answer(known, answer_block)
            continue
        heading = operations.get(block.line)
        example = _example(block, heading)
        examples[key] = example if answer_block is None else _with_answer(example, answer_block)
    return tuple(examples.values())


def _example(block: _Block, operation: _Operation | None) -> Example:
    assert block.request is not None
    method, target = block.request
    override = OVERRIDES.get(block.line, Override(""))
    if operation is not None and not _under(operation.heading, method, target):
        operation = None  # a request under another operation's heading (a heading the dump lost)
    heading = override.operation or (operation.heading if operation else f"{method} {_bare(target)}")
    return Example(
        line=block.line,
        method=method,
        target=override.target or target,
        body=_json(block),
        operation=heading,
        documented=tuple(sorted(set(operation.documented))) if operation else (),
    )


def _under(heading: str, method: str, target: str) -> bool:
    """Whether the request fits the heading: same method, and a path its template matches."""
    heading_method, template = heading.split(" ", 1)
    slots = re.sub(r"\\\{[^}]*\\\}", r"(?:id/)?[^/]+", re.escape(template))
    return heading_method == method and re.fullmatch(slots, _bare(target)) is not None


def _bare(target: str) -> str:
    """The path of a request without its query and the ``/v1`` the headings leave out."""
    return target.split("?", 1)[0].removeprefix("/v1")


def _with_answer(example: Example, answer: _Block) -> Example:
    is_file = answer.text is not None and FILE_BODY.match(answer.text.strip()) is not None
    return Example(
        **{**example.__dict__, "status": answer.status, "answer_line": answer.line, "answer_is_file": is_file,
           "answer": None if is_file else _json(answer)},
    )  # fmt: skip


def _blocks(lines: list[str]) -> list[_Block]:
    """Requests and answers, each with its body's text (or None) and the line after it ends."""
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        request, answer = REQUEST.match(lines[index]), ANSWER.match(lines[index])
        if request is None and answer is None:
            index += 1
            continue
        text, body_line, end = _body(lines, index + 1)
        follows = bool(blocks) and all(not line.strip() for line in lines[blocks[-1].end : index])
        block = _Block(line=index + 1, end=end, text=text, body_line=body_line, follows=follows)
        if request is not None:
            block.request = (request.group(1), request.group(2))
        else:
            assert answer is not None
            block.status = int(answer.group(1))
        blocks.append(block)
        index = end
    return blocks


def _body(lines: list[str], index: int) -> tuple[str | None, int | None, int]:
    """The body after the headers starting at ``index``: its text, first line number, and the end."""
    while index < len(lines) and lines[index].strip() and not _starts_block(lines[index]):
        index += 1
    start = index
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].lstrip()[:1] not in ("{", "["):
        return None, None, index
    end = _balanced_end(lines, start)
    return "\n".join(lines[start:end]), start + 1, end


def _starts_block(line: str) -> bool:
    return REQUEST.match(line) is not None or ANSWER.match(line) is not None


def _balanced_end(lines: list[str], start: int) -> int:
    """The index after the line where the JSON value opened on ``start`` closes (strings respected)."""
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(lines)):
        for char in lines[index]:
            if in_string:
                escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
            elif char == '"':
                in_string = True
            elif char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
        if depth <= 0:
            return index + 1
    return len(lines)


def _answers(blocks: list[_Block]) -> dict[int, _Block]:
    """Which answer follows each request: a run of adjacent requests shares the answer after it."""
    found: dict[int, _Block] = {}
    run: list[int] = []
    for index, block in enumerate(blocks):
        adjacent = block.follows
        if block.request is not None:
            run = [*run, index] if adjacent and run else [index]
        elif adjacent and run:
            found.update({request: block for request in run})
            run = []
        else:
            run = []
    return found


def _operations(lines: list[str]) -> dict[int, _Operation]:
    """The operation heading each request line sits under, with the statuses that operation documents."""
    current: _Operation | None = None
    by_line: dict[int, _Operation] = {}
    for number, line in enumerate(lines, start=1):
        heading = HEADING.match(line)
        if heading is not None:
            current = _Operation(f"{heading.group(1)} {heading.group(2)}")
            continue
        if current is None:
            continue
        status = DOCUMENTED.match(line)
        if status is not None:
            current.documented.append(int(status.group(1)))
        if REQUEST.match(line):
            by_line[number] = current
    return by_line


def _json(block: _Block) -> Any:
    """The block's body as JSON (after its repair, if listed); ``ValueError`` names the line if unreadable."""
    if block.text is None:
        return None
    text = block.text
    repair = REPAIRS.get(block.body_line or 0)
    if repair is not None:
        if repair.old not in text:
            raise ValueError(f"spec line {block.body_line}: the listed repair no longer applies")
        text = text.replace(repair.old, repair.new)
    if FILE_BODY.match(text.strip()):
        return None
    try:
        return _without_ellipses(json.loads(text))
    except json.JSONDecodeError as error:
        raise ValueError(
            f"spec line {block.body_line}: the body is not JSON ({error}); add it to REPAIRS with the reason"
        ) from None


ELLIPSES = ({"...": "..."}, "...")


def _without_ellipses(value: Any) -> Any:
    """The value without the reference's "and so on" list items (``{"...": "..."}``, ``"..."``)."""
    if isinstance(value, dict):
        return {key: _without_ellipses(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_ellipses(item) for item in value if item not in ELLIPSES]
    return value


def _canonical(text: str | None) -> str:
    return "" if text is None else re.sub(r"\s+", "", text)
