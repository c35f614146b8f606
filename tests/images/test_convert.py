"""Bytes to PNG: PNGs kept as sent, JPEGs converted, everything else refused by content."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageCms

from passmint.images.convert import JPEG_SIGNATURE, MAX_DIMENSION, PNG_SIGNATURE, to_png
from passmint.images.errors import ImageInvalid, ImagesError, ImageTooLarge
from tests.images import JPEG, PNG, make_image


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def noise(width: int, height: int) -> bytes:
    """A JPEG of noise, which takes far more bytes as a PNG."""
    output = io.BytesIO()
    Image.effect_noise((width, height), 80).convert("RGB").save(output, "JPEG")
    return output.getvalue()


def with_size(png: bytes, width: int, height: int) -> bytes:
    """``png`` with its header claiming another size (and a correct checksum)."""
    header = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return png[:12] + header + struct.pack(">I", zlib.crc32(header)) + png[33:]


class TestPng:
    def test_kept_byte_for_byte(self) -> None:
        png = to_png(PNG)
        assert png.data == PNG
        assert (png.width, png.height) == (40, 30)
        assert png.digest == hashlib.sha256(PNG).hexdigest()

    @pytest.mark.parametrize("mode", ["RGBA", "L", "P", "1"])
    def test_every_mode_is_kept(self, mode: str) -> None:
        data = make_image("PNG", (10, 20), mode=mode)
        assert to_png(data).data == data

    def test_a_truncated_png_is_invalid(self) -> None:
        with pytest.raises(ImageInvalid, match="PNG"):
            to_png(PNG[: len(PNG) // 2])

    def test_image_data_that_does_not_decode_is_invalid(self) -> None:
        """Every checksum right, the compressed pixels wrong: caught by decoding."""
        start = PNG.index(b"IDAT")
        (length,) = struct.unpack(">I", PNG[start - 4 : start])
        chunk = bytearray(PNG[start : start + 4 + length])
        chunk[8] ^= 0xFF
        damaged = PNG[:start] + chunk + struct.pack(">I", zlib.crc32(chunk)) + PNG[start + 8 + length :]
        with pytest.raises(ImageInvalid, match="damaged PNG"):
            to_png(damaged)

    def test_a_wrong_checksum_is_invalid(self) -> None:
        """Pixels that decode but a chunk whose checksum does not match: caught by verifying."""
        start = PNG.index(b"IDAT")
        (length,) = struct.unpack(">I", PNG[start - 4 : start])
        damaged = bytearray(PNG)
        damaged[start + 4 + length] ^= 0x01
        with pytest.raises(ImageInvalid, match="damaged PNG"):
            to_png(bytes(damaged))

    def test_a_png_without_its_end_is_invalid(self) -> None:
        with pytest.raises(ImageInvalid, match="damaged PNG"):
            to_png(PNG[:-12])


class TestJpeg:
    def test_converted_to_png_with_its_size(self) -> None:
        png = to_png(JPEG)
        assert png.data.startswith(PNG_SIGNATURE)
        image = opened(png.data)
        assert (image.format, image.size, image.mode) == ("PNG", (64, 48), "RGB")
        assert (png.width, png.height) == (64, 48)
        red = image.getpixel((2, 24))
        assert isinstance(red, tuple)
        assert red[0] > 200 and red[1] < 60 and red[2] < 60

    def test_the_same_jpeg_gives_the_same_png(self) -> None:
        assert to_png(JPEG).data == to_png(JPEG).data

    def test_grayscale_stays_grayscale(self) -> None:
        assert opened(to_png(make_image("JPEG", (8, 8), mode="L")).data).mode == "L"

    def test_cmyk_becomes_rgb(self) -> None:
        assert opened(to_png(make_image("JPEG", (8, 8), mode="CMYK")).data).mode == "RGB"

    def test_exif_orientation_is_applied_and_exif_dropped(self) -> None:
        exif = Image.Exif()
        exif[0x0112] = 6  # shown rotated by 90 degrees
        exif[0x010F] = "Camera maker"
        png = to_png(make_image("JPEG", (64, 48), exif=exif))
        assert (png.width, png.height) == (48, 64)
        image = opened(png.data)
        assert image.size == (48, 64)
        assert not image.getexif()
        assert b"eXIf" not in png.data

    def test_the_colour_profile_is_kept(self) -> None:
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        png = to_png(make_image("JPEG", (8, 8), icc_profile=profile))
        assert opened(png.data).info["icc_profile"] == profile

    def test_a_truncated_jpeg_is_invalid(self) -> None:
        with pytest.raises(ImageInvalid, match="JPEG"):
            to_png(JPEG[: len(JPEG) // 2])

    def test_a_png_bigger_than_the_limit_is_refused(self) -> None:
        with pytest.raises(ImageTooLarge, match="as a PNG, more than the 1000 bytes allowed"):
            to_png(noise(200, 200), max_bytes=1000)


class TestNotAnImage:
    @pytest.mark.parametrize(
        ("data", "looks_like"),
        [
            (b"", "it is empty"),
            (b"just some words\n", "it looks like text"),
            (b"  <!doctype html><title>Logo</title>", "HTML"),
            (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG image"),
            (make_image("GIF"), "a GIF image"),
            (make_image("WEBP"), "a WebP image"),
            (make_image("BMP"), "a BMP image"),
            (b"\x00\x00\x00\x18ftypheic", "HEIC"),
            (bytes(range(256)), "match no known image format"),
        ],
    )
    def test_refused_saying_what_it_looks_like(self, data: bytes, looks_like: str) -> None:
        with pytest.raises(ImageInvalid, match=f"is not a PNG or JPEG image: .*{looks_like}"):
            to_png(data)

    def test_text_cut_inside_a_character_is_still_text(self) -> None:
        with pytest.raises(ImageInvalid, match="looks like text"):
            to_png("é".encode() * 300)


class TestSize:
    def test_the_largest_size_is_accepted(self) -> None:
        png = to_png(make_image("PNG", (MAX_DIMENSION, 4)))
        assert (png.width, png.height) == (MAX_DIMENSION, 4)

    @pytest.mark.parametrize("size", [(MAX_DIMENSION + 1, 4), (4, MAX_DIMENSION + 1)])
    def test_one_pixel_more_is_refused(self, size: tuple[int, int]) -> None:
        with pytest.raises(ImageTooLarge, match=f"at most {MAX_DIMENSION}x{MAX_DIMENSION}"):
            to_png(make_image("PNG", size))

    def test_a_large_jpeg_is_refused_before_decoding(self) -> None:
        with pytest.raises(ImageTooLarge, match="is 5000x8 pixels"):
            to_png(make_image("JPEG", (5000, 8)))

    @pytest.mark.parametrize("side", [5_000, 10_000, 60_000])
    def test_a_decompression_bomb_is_refused(self, side: int) -> None:
        """A small file whose header claims a huge picture: refused by size, never decoded."""
        with pytest.raises(ImageTooLarge, match="pixels"):
            to_png(with_size(PNG, side, side))


@given(st.sampled_from([b"", PNG_SIGNATURE, JPEG_SIGNATURE, PNG[:40], JPEG[:300]]), st.binary(max_size=400))
def test_any_bytes_give_a_png_or_an_images_error(prefix: bytes, rest: bytes) -> None:
    try:
        png = to_png(prefix + rest)
    except ImagesError:
        return
    assert png.data.startswith(PNG_SIGNATURE)
