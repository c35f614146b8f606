"""``GET /images/{sha256}.png``: stored images, public (the digest names the content, which is public in
every pass it shows in) and cacheable for ever (new content is a new URL)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from passmint.deps import SessionDep
from passmint.http_errors import documented
from passmint.images import service
from passmint.images.errors import ImageNotFound
from passmint.images.public import DEFAULT_LOGO, DEFAULT_LOGO_DIGEST

router = APIRouter(tags=["images"])
_NAME = re.compile(r"([0-9a-f]{64})\.png")
CACHE = "public, max-age=31536000, immutable"


@router.get(
    "/images/{name}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The image."}, **documented(400, 404)},
    summary="A stored image, by the SHA-256 of its PNG bytes (no credentials)",
)
async def get_image(name: Annotated[str, Path(max_length=80)], session: SessionDep) -> Response:
    match = _NAME.fullmatch(name)
    if match is None:
        raise ImageNotFound("No image at this address")
    data = DEFAULT_LOGO if match[1] == DEFAULT_LOGO_DIGEST else await service.data_of(session, match[1])
    return Response(data, media_type="image/png", headers={"Cache-Control": CACHE})
