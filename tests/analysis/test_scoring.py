from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import build_policy
from interview_integrity.analysis.scoring import RiskState, add_points, decayed, verdict

POLICY = build_policy("standard")
points = st.lists(st.tuples(st.floats(0, 600), st.floats(0, 80)), max_size=30)


def fill(additions: list[tuple[float, float]]) -> RiskState:
    state = RiskState()
    now = 0.0
    for step, amount in additions:
        now += step
        add_points(state, now, POLICY, "device", amount)
    return state


@given(points, st.floats(0, 10_000))
def test_score_stays_within_0_and_100(additions: list[tuple[float, float]], later: float) -> None:
    state = fill(additions)
    assert 0 <= state.score <= 100 and 0 <= state.peak <= 100
    assert 0 <= decayed(state, (state.updated_at or 0) + later, POLICY.risk_half_life_s) <= 100


@given(points, st.floats(0, 1000), st.floats(0, 1000))
def test_without_new_events_the_score_never_rises(additions: list[tuple[float, float]], a: float, b: float) -> None:
    state = fill(additions)
    start = state.updated_at or 0.0
    first, second = sorted((a, b))
    assert decayed(state, start + second, POLICY.risk_half_life_s) <= decayed(
        state, start + first, POLICY.risk_half_life_s
    )


@given(st.floats(1, 100))
def test_the_score_halves_after_one_half_life(amount: float) -> None:
    state = RiskState()
    add_points(state, 10.0, POLICY, "device", amount)
    assert abs(decayed(state, 10.0 + POLICY.risk_half_life_s, POLICY.risk_half_life_s) - state.score / 2) < 1e-6


severities = st.sampled_from(["low", "medium", "high"])
ORDER = {"clear": 0, "review": 1, "high_risk": 2}


@given(st.lists(severities, max_size=8), severities, st.floats(0, 100), st.floats(0, 100))
def test_adding_an_event_never_lowers_the_verdict(existing: list[str], extra: str, peak: float, bump: float) -> None:
    events = [Event(type="gaze_away", category="attention", severity=s, confidence=0.9, started_at=0) for s in existing]  # type: ignore[arg-type]
    before = verdict(peak, events, POLICY)
    more = [*events, Event(type="phone_detected", category="device", severity=extra, confidence=0.9, started_at=1)]  # type: ignore[arg-type]
    after = verdict(min(100.0, peak + bump), more, POLICY)
    assert ORDER[after] >= ORDER[before]
