from __future__ import annotations

from pathlib import Path

import pytest

from interview_integrity.analysis.policy import PolicyError, build_policy, load_policy


def test_presets_differ_in_the_expected_direction() -> None:
    lenient, standard, strict = (build_policy(name) for name in ("lenient", "standard", "strict"))
    assert lenient.thresholds.gaze_away_s > standard.thresholds.gaze_away_s > strict.thresholds.gaze_away_s
    assert lenient.review_score > standard.review_score > strict.review_score


def test_overrides_keep_the_rest_of_the_preset() -> None:
    policy = build_policy({"preset": "strict", "thresholds": {"gaze_away_s": 6}, "weights": {"phone_detected": 60}})
    assert policy.thresholds.gaze_away_s == 6 and policy.thresholds.no_face_s == 2.0
    assert policy.weights.phone_detected == 60


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("paranoid", "unknown policy preset 'paranoid'"),
        ({"disabled_rules": ["mind_reading"]}, "unknown rules in disabled_rules"),
        ({"thresholds": {"phone_votes": [6, 5]}}, "phone_votes must be (k, n)"),
        ({"thresholds": {"gaze_away_s": -1}}, "thresholds.gaze_away_s"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_policies_say_what_is_wrong(spec: object, message: str) -> None:
    with pytest.raises(PolicyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_policy(spec)  # type: ignore[arg-type]


def test_load_from_yaml_and_json(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("preset: lenient\ndisabled_rules: [gaze_away]\n")
    (tmp_path / "p.json").write_text('{"thresholds": {"no_face_s": 9}}')
    assert load_policy(tmp_path / "p.yaml").disabled_rules == ["gaze_away"]
    assert load_policy(tmp_path / "p.json").thresholds.no_face_s == 9
