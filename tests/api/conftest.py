from __future__ import annotations

import base64

import cv2

from tests.conftest import DATA


def jpeg(name: str, width: int = 640) -> bytes:
    image = cv2.imread(str(DATA / name))
    assert image is not None
    height = round(image.shape[0] * width / image.shape[1])
    ok, buffer = cv2.imencode(".jpg", cv2.resize(image, (width, height)), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return buffer.tobytes()


def b64(name: str) -> str:
    return base64.b64encode(jpeg(name)).decode()
