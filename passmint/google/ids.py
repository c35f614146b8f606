"""Google Wallet ids of passmint's classes and objects: ``<issuerId>.<suffix>``, one suffix per kind.

A template is one class, a pass one object. Suffixes are short: save links carry ids in a JWT that
must stay within Google's ~1,800 characters. Google allows letters, digits, ``.``, ``_`` and ``-``.
"""

from __future__ import annotations

import re

_OBJECT = re.compile(r"(\d+)\.p(\d+)")


def class_id(issuer_id: str, template_id: int) -> str:
    """The id of the class a template is at Google."""
    return f"{issuer_id}.t{template_id}"


def journey_class_id(issuer_id: str, template_id: int, journey_id: int) -> str:
    """The id of the class of a template's passes that show one flight or event (``google.journeys``)."""
    return f"{issuer_id}.t{template_id}j{journey_id}"


def object_id(issuer_id: str, pass_id: int) -> str:
    """The id of the object a pass is at Google."""
    return f"{issuer_id}.p{pass_id}"


def pass_id_of(object_id: str) -> tuple[str, int] | None:
    """The issuer id and pass id an object id names, or ``None`` when passmint did not make it."""
    match = _OBJECT.fullmatch(object_id)
    return None if match is None else (match[1], int(match[2]))
