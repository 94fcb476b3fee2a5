from __future__ import annotations

import math

import pytest

from interview_integrity.errors import Conflict, Unprocessable
from interview_integrity.service.clock import check_event, check_frame, checked, on_clock


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, -5, 1e400, 1e11, "5", True])
def test_only_finite_seconds_are_timestamps(bad: object) -> None:
    with pytest.raises(Unprocessable) as error:
        checked(bad)
    assert error.value.code == "invalid_timestamp"


def test_a_frame_without_a_timestamp_is_placed_at_its_arrival() -> None:
    assert on_clock(3.5, 99.0) == 3.5
    assert on_clock(None, 2.25) == 2.25


def test_a_late_frame_is_refused_and_a_jump_is_refused() -> None:
    check_frame(4.0, 4.0, 900)  # the same time: no time passes
    with pytest.raises(Conflict) as late:
        check_frame(3.9, 4.0, 900)
    assert late.value.code == "frame_out_of_order"
    with pytest.raises(Unprocessable) as jump:
        check_frame(1e6, 7.0, 900)
    assert jump.value.code == "timestamp_out_of_range"


def test_client_events_lie_on_the_session_clock() -> None:
    check_event(5.0, 0.0, 7.0, 900)
    check_event(1e6, None, None, 900)  # before any frame, any time opens the clock
    with pytest.raises(Unprocessable):
        check_event(1e6, 0.0, 7.0, 900)
