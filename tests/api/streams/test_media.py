from __future__ import annotations

import itertools

import numpy as np
import pytest
from av import VideoFrame

from interview_integrity.api.streams.media import FrameSampler, pixels


def taken(sampler: FrameSampler, times: list[float]) -> list[float]:
    return [t for t in (sampler.take(m) for m in times) if t is not None]


def test_a_30_fps_track_at_5_fps_gives_every_sixth_frame_on_a_fixed_grid() -> None:
    times = [i / 30 for i in range(90)]  # 3 s
    chosen = taken(FrameSampler(5.0, origin_s=0.0), times)
    assert chosen == pytest.approx([i / 5 for i in range(15)])


def test_track_time_not_arrival_decides_and_the_origin_places_it_on_the_session_clock() -> None:
    # a track whose clock starts at 1234.5 s (RTP time) lands at the origin; jitter does not drift the grid
    times = [1234.5 + i / 25 + (0.004 if i % 2 else -0.003) for i in range(50)]
    chosen = taken(FrameSampler(5.0, origin_s=60.0), times)
    assert len(chosen) == 10
    assert chosen[0] == 60.0
    assert all(0.16 <= b - a <= 0.24 for a, b in itertools.pairwise(chosen))


def test_repeated_or_earlier_timestamps_are_never_analysed_twice() -> None:
    sampler = FrameSampler(2.0, origin_s=0.0)
    assert sampler.take(10.0) == 0.0
    assert sampler.take(10.0) is None
    assert sampler.take(9.0) is None
    assert sampler.take(10.5) == 0.5
    assert sampler.take(12.0) == 2.0  # after a stall: the next frame, not a burst of catch-up frames
    assert sampler.take(12.1) is None


def test_pixels_are_bgr_and_large_frames_are_scaled_down() -> None:
    rgb = np.zeros((720, 1280, 3), np.uint8)
    rgb[..., 0] = 255  # red
    frame = VideoFrame.from_ndarray(rgb, format="rgb24")
    small = pixels(frame, max_side=640)
    assert small.shape == (360, 640, 3) and small[0, 0].tolist() == [0, 0, 255]
    assert pixels(frame, max_side=1280).shape == (720, 1280, 3)
