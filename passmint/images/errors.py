"""Errors of the images domain: each names what is wrong with the image URL a client gave."""

from __future__ import annotations

from typing import Self

from passmint.errors import InvalidInput, NotFound, PassmintError

SHOWN_URL_LENGTH = 120


def describe_url(url: str) -> str:
    """``url`` as an error message shows it: shortened, and a ``data:`` URL never printed."""
    if url[:5].lower() == "data:":
        return "the data: URL"
    return url if len(url) <= SHOWN_URL_LENGTH else url[: SHOWN_URL_LENGTH - 1] + "…"


def describe_size(size: int) -> str:
    """A byte count as people read it: ``5 MiB``, ``512 KiB``, ``1000 bytes``."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


class ImagesError(PassmintError):
    """An image URL passmint cannot use.

    ``problem`` reads after the URL it is about ("answered 404 Not Found"); ``located()`` puts the
    URL and the client's field name in front of it."""

    def __init__(self, problem: str, *, url: str | None = None, field: str | None = None) -> None:
        message = f"{describe_url(url) if url is not None else 'the image'} {problem}"
        details = None
        if field is not None:
            details = [{"field": field, "location": "body", "message": message}]
            message = f"{field}: {message}"
        elif message.startswith("the "):
            message = "T" + message[1:]
        super().__init__(message, details=details)
        self.problem = problem

    def located(self, url: str, field: str | None = None) -> Self:
        """The same error, naming ``url`` and, when given, the request field that held it."""
        return type(self)(self.problem, url=url, field=field)


class ImageUrlNotAllowed(ImagesError, InvalidInput):
    """Not an http, https or data URL, or one that reaches a private network."""

    code = "image_url_not_allowed"


class ImageFetchFailed(ImagesError, InvalidInput):
    """The server behind the URL did not hand over the image."""

    code = "image_fetch_failed"


class ImageTooLarge(ImagesError, InvalidInput):
    """Too many bytes or too many pixels."""

    code = "image_too_large"


class ImageInvalid(ImagesError, InvalidInput):
    """The bytes are not a readable PNG or JPEG image."""

    code = "image_invalid"


class ImageNotFound(NotFound):
    """No stored image has this digest."""

    code = "image_not_found"
