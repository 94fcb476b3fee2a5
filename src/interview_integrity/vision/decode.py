"""Frame bytes (raw, base64 or a data: URL) into a BGR image array, within size limits."""

from __future__ import annotations

import base64
import binascii
import io
import re

import cv2
import numpy as np
import PIL.Image

from interview_integrity.errors import ErrorCode
from interview_integrity.vision.arrays import Array

_DATA_URL = re.compile(r"^data:(?P<mime>[\w/+.-]*)?(;[\w=.-]+)*;base64,", re.IGNORECASE)
_SIGNATURES = {
    b"\xff\xd8\xff": "jpeg",
    b"\x89PNG\r\n\x1a\n": "png",
}


class ImageDecodeError(ValueError):
    """A frame that cannot be used. `code` is stable and machine-readable."""

    code: ErrorCode = "invalid_image"


class EmptyImageError(ImageDecodeError):
    code: ErrorCode = "empty_image"


class NotAnImageError(ImageDecodeError):
    code: ErrorCode = "not_an_image"


class TruncatedImageError(ImageDecodeError):
    code: ErrorCode = "truncated_image"


class ImageTooLargeError(ImageDecodeError):
    code: ErrorCode = "image_too_large"


def sniff_format(data: bytes) -> str | None:
    """The image format named by the first bytes, or None."""
    for signature, name in _SIGNATURES.items():
        if data.startswith(signature):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def frame_bytes(data: bytes | str) -> bytes:
    """Raw image bytes from raw bytes, base64 text or a data: URL."""
    if isinstance(data, bytes) and sniff_format(data):
        return data
    text = data.decode("ascii", errors="replace") if isinstance(data, bytes) else data
    text = text.strip()
    if not text:
        raise EmptyImageError("the frame is empty: expected JPEG, PNG or WebP bytes, base64 or a data: URL")
    match = _DATA_URL.match(text)
    if match:
        text = text[match.end() :]
    elif text.startswith("data:"):
        raise NotAnImageError("the data: URL is not base64-encoded: expected 'data:image/jpeg;base64,...'")
    try:
        raw = base64.b64decode(re.sub(r"\s+", "", text), validate=True)
    except (binascii.Error, ValueError):
        raise NotAnImageError("the frame is neither image bytes nor valid base64: expected JPEG, PNG or WebP") from None
    if not raw:
        raise EmptyImageError("the frame decodes to zero bytes")
    return raw


def _looks_truncated(raw: bytes, fmt: str) -> bool:
    if fmt == "jpeg":
        return not raw.rstrip(b"\x00").endswith(b"\xff\xd9")
    if fmt == "png":
        return b"IEND" not in raw[-32:]
    if fmt == "webp":
        return len(raw) < 8 + int.from_bytes(raw[4:8], "little")
    return False


def _header_size(raw: bytes, max_side: int) -> tuple[int, int]:
    """Width and height from the header alone, so a decompression bomb is refused before decoding."""
    try:
        with PIL.Image.open(io.BytesIO(raw)) as header:
            return header.size
    except PIL.Image.DecompressionBombError:
        # Pillow refuses headers over ~179 million pixels itself, before saying how large they are
        raise ImageTooLargeError(f"the frame's header declares more than {max_side} px per side") from None
    except Exception:  # any failure to read a header is a corrupt frame, never a 500
        raise TruncatedImageError("the frame's image header is incomplete or corrupt") from None


def decode_image(data: bytes | str, *, max_bytes: int, max_side: int) -> Array:
    """Decode one frame into a BGR uint8 array, or raise a typed ImageDecodeError saying what was wrong."""
    if data is None or len(data) == 0:
        raise EmptyImageError("the frame is empty: expected JPEG, PNG or WebP bytes, base64 or a data: URL")
    # base64 is 4/3 of the bytes it carries; refuse early before decoding a huge string
    if len(data) > max_bytes * 4 // 3 + 1024:
        raise ImageTooLargeError(f"the frame is {len(data)} bytes; the limit is {max_bytes} bytes")
    raw = frame_bytes(data)
    if len(raw) > max_bytes:
        raise ImageTooLargeError(f"the frame is {len(raw)} bytes; the limit is {max_bytes} bytes")
    fmt = sniff_format(raw)
    if fmt is None:
        raise NotAnImageError(f"the frame is not a JPEG, PNG or WebP image (first bytes {raw[:8].hex(' ')})")
    width, height = _header_size(raw, max_side)
    if max(width, height) > max_side:
        raise ImageTooLargeError(f"the frame is {width}x{height} px; the limit is {max_side} px per side")
    if min(width, height) < 1:
        raise NotAnImageError(f"the frame's header declares {width}x{height} px")
    try:
        image = cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        image = None
    if image is None:
        if _looks_truncated(raw, fmt):
            raise TruncatedImageError(f"the {fmt.upper()} frame is truncated: its data ends early")
        raise NotAnImageError(f"the {fmt.upper()} frame is corrupt and cannot be decoded")
    if _looks_truncated(raw, fmt):
        raise TruncatedImageError(f"the {fmt.upper()} frame is truncated: its data ends early")
    return image
