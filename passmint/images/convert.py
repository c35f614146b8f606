"""Image bytes to the PNG Wallet needs: PNGs checked and kept as sent, JPEGs converted (pure)."""

from __future__ import annotations

import codecs
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from passmint.images.errors import ImageInvalid, ImageTooLarge, describe_size
from passmint.images.fetch import MAX_BYTES

MAX_DIMENSION = 4096
"""The widest and tallest image accepted, in pixels (Wallet's largest images are about 1,100)."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
OTHER_FORMATS = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a WebP image or another RIFF file"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"%PDF", "a PDF document"),
    (b"<svg", "an SVG image"),
)


@dataclass(frozen=True)
class Png:
    """PNG bytes and their size in pixels."""

    data: bytes
    width: int
    height: int

    @property
    def digest(self) -> str:
        """SHA-256 of the bytes, in hex: the image's identity."""
        return hashlib.sha256(self.data).hexdigest()


def to_png(data: bytes, *, max_bytes: int = MAX_BYTES) -> Png:
    """``data`` as a PNG: a valid PNG unchanged, a JPEG converted (upright, without its EXIF
    metadata). The format is read from the bytes, never from a name or a media type."""
    if data.startswith(PNG_SIGNATURE):
        return _checked_png(data)
    if data.startswith(JPEG_SIGNATURE):
        return _converted_jpeg(data, max_bytes)
    raise ImageInvalid(f"is not a PNG or JPEG image: {_looks_like(data)}")


def _checked_png(data: bytes) -> Png:
    with _opened(data, "PNG") as image:
        try:
            image.verify()  # every chunk's checksum, through IEND
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageInvalid(f"is a damaged PNG image ({error})") from error
    with _opened(data, "PNG") as image:
        _decode(image, "PNG")
        return Png(data, image.width, image.height)


def _converted_jpeg(data: bytes, max_bytes: int) -> Png:
    with _opened(data, "JPEG") as image:
        _decode(image, "JPEG")
        upright = ImageOps.exif_transpose(image)
    icc_profile = upright.info.get("icc_profile") if upright.mode in ("L", "RGB") else None
    if upright.mode not in ("L", "RGB"):
        upright = upright.convert("RGB")
    output = io.BytesIO()
    upright.save(output, "PNG", icc_profile=icc_profile)
    png = output.getvalue()
    if len(png) > max_bytes:
        raise ImageTooLarge(
            f"is a JPEG that takes {describe_size(len(png))} as a PNG, more than the "
            f"{describe_size(max_bytes)} allowed; send it smaller, or as a PNG"
        )
    return Png(png, upright.width, upright.height)


def _opened(data: bytes, image_format: str) -> ImageFile.ImageFile:
    """``data`` opened (header only) as ``image_format``, its size checked before any decoding."""
    try:
        image = Image.open(io.BytesIO(data), formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageTooLarge(f"has too many pixels to decode safely ({error})") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageInvalid(f"starts like a {image_format} image but cannot be read as one") from error
    if image.width > MAX_DIMENSION or image.height > MAX_DIMENSION:
        size = f"{image.width}x{image.height}"
        image.close()
        raise ImageTooLarge(f"is {size} pixels; at most {MAX_DIMENSION}x{MAX_DIMENSION} are accepted")
    return image


def _decode(image: Image.Image, image_format: str) -> None:
    """Decode every pixel, so a truncated or corrupt image is refused now rather than on a phone."""
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageInvalid(f"is a damaged {image_format} image ({error})") from error


def _looks_like(data: bytes) -> str:
    """What ``data`` seems to be instead, for the error message."""
    if not data:
        return "it is empty"
    head = data[:512].lstrip()
    for signature, name in OTHER_FORMATS:
        if head.startswith(signature):
            return f"it looks like {name}"
    if data[4:8] == b"ftyp":
        return "it looks like a HEIC or AVIF image, or a video"
    if head[:1] == b"<":
        return "it looks like HTML or XML"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:512])
    except UnicodeDecodeError:
        return "its first bytes match no known image format"
    return "it looks like text"
