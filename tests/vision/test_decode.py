from __future__ import annotations

import base64

import cv2
import numpy as np
import pytest

from interview_integrity.vision.decode import (
    EmptyImageError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
    decode_image,
)

LIMITS = {"max_bytes": 2_000_000, "max_side": 2000}


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    rng = np.random.default_rng(1)
    image = np.zeros((120, 160, 3), np.uint8)
    cv2.circle(image, (80, 60), 40, (30, 200, 90), -1)
    return cv2.add(image, rng.integers(0, 30, image.shape, dtype=np.uint8))


def encode(image: np.ndarray, ext: str) -> bytes:
    ok, buffer = cv2.imencode(ext, image)
    assert ok
    return buffer.tobytes()


@pytest.mark.parametrize("ext", [".jpg", ".png", ".webp"])
def test_decodes_raw_bytes_of_each_format(frame: np.ndarray, ext: str) -> None:
    decoded = decode_image(encode(frame, ext), **LIMITS)
    assert decoded.shape == frame.shape
    assert float(np.abs(decoded.astype(int) - frame.astype(int)).mean()) < 12


def test_decodes_base64_and_data_urls(frame: np.ndarray) -> None:
    raw = encode(frame, ".jpg")
    text = base64.b64encode(raw).decode()
    expected = decode_image(raw, **LIMITS)
    for variant in (text, text.encode(), f"data:image/jpeg;base64,{text}", f"  {text[:40]}\n{text[40:]}  "):
        assert np.array_equal(decode_image(variant, **LIMITS), expected)


def test_empty_frame_is_refused() -> None:
    for empty in (b"", "", "   "):
        with pytest.raises(EmptyImageError, match="empty"):
            decode_image(empty, **LIMITS)


def test_text_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(NotAnImageError, match="neither image bytes nor valid base64"):
        decode_image(b"hello, this is not a frame!", **LIMITS)
    with pytest.raises(NotAnImageError, match="not a JPEG, PNG or WebP"):
        decode_image(base64.b64encode(b"GIF89a....").decode(), **LIMITS)
    with pytest.raises(NotAnImageError, match="not base64-encoded"):
        decode_image("data:image/png,rawtext", **LIMITS)


@pytest.mark.parametrize("ext", [".jpg", ".png"])
def test_truncated_frame_is_refused(frame: np.ndarray, ext: str) -> None:
    raw = encode(frame, ext)
    with pytest.raises(TruncatedImageError, match=r"truncated|incomplete"):
        decode_image(raw[: len(raw) // 2], **LIMITS)
    with pytest.raises(TruncatedImageError):
        decode_image(raw[:40], **LIMITS)


def test_too_many_bytes_is_refused(frame: np.ndarray) -> None:
    raw = encode(frame, ".png")
    with pytest.raises(ImageTooLargeError, match=f"limit is {len(raw) - 1} bytes"):
        decode_image(raw, max_bytes=len(raw) - 1, max_side=2000)


def test_too_large_a_side_is_refused_before_decoding() -> None:
    wide = np.zeros((10, 3000, 3), np.uint8)
    with pytest.raises(ImageTooLargeError, match="3000x10 px; the limit is 2000 px"):
        decode_image(encode(wide, ".png"), **LIMITS)


def test_errors_carry_stable_codes(frame: np.ndarray) -> None:
    codes = set()
    for bad in (b"", b"plain text!", encode(frame, ".jpg")[:300]):
        with pytest.raises(ValueError) as info:
            decode_image(bad, **LIMITS)
        codes.add(info.value.code)  # type: ignore[attr-defined]
    assert codes == {"empty_image", "not_an_image", "truncated_image"}
