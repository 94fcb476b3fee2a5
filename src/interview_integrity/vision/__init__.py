"""Per-frame vision: decode a frame, find faces, landmarks, pose, gaze, objects and quality."""

from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.decode import ImageDecodeError, decode_image
from interview_integrity.vision.signals import FrameSignals

__all__ = ["FrameAnalyzer", "FrameSignals", "ImageDecodeError", "decode_image"]
