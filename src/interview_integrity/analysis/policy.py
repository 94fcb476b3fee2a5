"""Policies: the thresholds and weights of the rules, as data.

Presets `lenient`, `standard` and `strict`; a session may override any field and switch rules off
(accommodations, e.g. no gaze rules for a candidate using a screen reader). Every default says why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    create_model,
    model_validator,
)

from interview_integrity.analysis.registry import EVENT_TYPES, EVENTS, OPTIONAL, EventType, OptionalEventType

PresetName = Literal["lenient", "standard", "strict", "exam"]


class PolicyError(ValueError):
    pass


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    no_face_s: float = Field(3.0, gt=0, description="Leaving the seat for a moment to adjust is normal; 3 s is not.")
    never_seen_s: float = Field(
        20.0,
        gt=0,
        description="A session that has not shown a face once for this long (a camera turned away or on the desk) "
        "raises a high no_face: the machine cannot vouch for it; sitting down takes seconds, not 20.",
    )
    multiple_faces_s: float = Field(1.5, gt=0, description="A face must stay, not flash by in a crowd or a poster.")
    extra_person_votes: tuple[int, int] = Field(
        (3, 5), description="k of the last n object frames with a faceless person."
    )
    gaze_away_s: float = Field(4.0, gt=0, description="Reading a question or thinking takes glances; 4 s is a look.")
    gaze_away_deg: float = Field(
        25.0,
        gt=0,
        description="Beyond a laptop screen (+-17 deg at 50 cm) with margin for head motion, from the baseline; "
        "18 flags conversational glances of honest candidates (strict preset uses it).",
    )
    gaze_down_deg: float = Field(22.0, gt=0, description="Keyboards and notes are below: a little more room down.")
    glance_min_s: float = Field(0.7, gt=0, description="A glance shorter than this is an eye movement, not a look.")
    repeated_glances: int = Field(6, ge=2, description="Glances within a minute that suggest reading something.")
    head_turn_deg: float = Field(40.0, gt=0, description="Head yaw from the baseline that faces away from the screen.")
    head_turned_s: float = Field(5.0, gt=0, description="Turning to a sound is normal; 5 s turned is not.")
    phone_votes: tuple[int, int] = Field((2, 5), description="Phone in k of the last n analysed frames.")
    phone_sure: float = Field(
        0.97,
        gt=0,
        le=1,
        description="One second-look score this high makes a phone event high at once; below it a phone needs "
        "two confirmed sightings `phone_confirm_gap_s` apart: a single weak sighting stays low.",
    )
    phone_confirm_gap_s: float = Field(
        2.0,
        ge=0,
        description="A phone the second look confirmed on two object frames this far apart (a few seconds, not "
        "one passing glimpse) is high.",
    )
    book_votes: tuple[int, int] = Field((3, 5), description="Books are a weak class: one more vote than phones.")
    device_votes: tuple[int, int] = Field((3, 5), description="Laptop, monitor or remote in k of the last n frames.")
    device_min_face_ratio: float = Field(
        1.0,
        ge=0,
        description="A laptop or monitor at the candidate's desk looks larger than their face; one that looks "
        "smaller is further away (another desk, the room behind) and does not count while a face is visible.",
    )
    book_min_face_ratio: float = Field(
        0.5,
        ge=0,
        description="Likewise for books: a book in use is at least about half a face; shelves behind are not.",
    )
    camera_blocked_s: float = Field(3.0, gt=0, description="Unusable frames for this long: cannot assess.")
    close_after_s: float = Field(1.0, ge=0, description="Hysteresis: a condition must be gone this long to close.")
    merge_within_s: float = Field(3.0, ge=0, description="A condition back within this time continues the event.")
    calibration_s: float = Field(
        5.0, ge=0, description="Seconds of frames with a face that set the candidate's baseline, at any camera angle."
    )
    calibration_window_s: float = Field(
        240.0, gt=0, description="The baseline is the median of the resting frames of the last this-many seconds."
    )
    rebaseline_after_s: float = Field(
        60.0,
        gt=0,
        description="Away without a single look back for this long is a moved laptop or camera, not a look: the "
        "departed pose becomes the new baseline (the look is still an event up to then).",
    )
    departure_spreads: float = Field(
        4.0,
        gt=0,
        description="Gaze and head turns count as away only beyond this many of the candidate's own spread too (how "
        "much their readings jitter: an oblique camera reads the eyes less steadily), where that is more than the "
        "angles above.",
    )
    oblique_yaw_deg: float = Field(
        35.0,
        gt=0,
        description="A baseline head yaw beyond this (a webcam beside the monitor, a face in profile) makes the eyes "
        "too oblique to read: gaze is 'cannot assess', never away.",
    )
    setup_s: float = Field(
        8.0,
        ge=0,
        description="Screens, laptops and keyboards in view over the session's first seconds are the candidate's "
        "setup, named in the report, not events; one that appears later or moves is.",
    )
    setup_same_look: float = Field(
        6.0,
        ge=0,
        description="A screen, laptop, keyboard or mouse first detected after the setup seconds is setup when its "
        "region of the 32x24 grey thumbnail differs from the setup seconds' median by at most this (mean absolute "
        "grey levels, each side less its mean): static background on the honest and dev clips moved 1-5, regions "
        "with a person in them more (scripts/measure/setup_regions.py).",
    )
    setup_same_brightness: float = Field(
        25.0, ge=0, description="...and its mean brightness by at most this (a device put on a plain desk shifts it)."
    )
    identity_distance: float = Field(
        0.6,
        gt=0,
        description="Face embeddings further apart than this are not the same person (dlib's own threshold, 99.38 % "
        "on LFW); docs/PRIVACY_AND_FAIRNESS.md has the rates measured per skin group.",
    )
    identity_mismatch_s: float = Field(
        3.5,
        gt=0,
        description="Embeddings must disagree this long on end (at least two checks 2 s apart, more while enrolling "
        "or after a cut) to raise identity_changed: one doubtful frame does not.",
    )
    identity_enrol_s: float = Field(
        4.0, gt=0, description="The candidate is enrolled from the good frontal frames of the session's first seconds."
    )
    frozen_s: float = Field(5.0, gt=0, description="A picture unchanged this long while frames arrive is frozen.")
    frozen_max_change: float = Field(
        2.0,
        ge=0,
        description="A frame whose 32x24 grey thumbnail moved no cell by more than this (grey levels) since the last "
        "frame shows the same picture. Re-encoding a repeated picture moves cells by at most 2; on every honest clip "
        "a live camera stayed at or under 2 for at most 1.4 s (scripts/measure/frozen_signal.py).",
    )
    replay_min_s: float = Field(
        5.0, gt=0, description="A stretch repeating an earlier one for this long, in order, is a replayed recording."
    )
    replay_lag_s: float = Field(3.0, gt=0, description="Repeats of the last few seconds are stillness, not a loop.")
    replay_match_ratio: float = Field(
        0.7,
        gt=0,
        le=1,
        description="A stretch replays an earlier one when its frames differ from the earlier frames at one fixed lag "
        "by at most this share of how much they move between themselves (256-bit hashes). A live candidate's "
        "frames never match their own past that closely for seconds on end; a loop's do, even sampled off phase.",
    )
    replay_min_motion_bits: float = Field(
        2.0,
        ge=0,
        description="...while the stretch moves at least this many hash bits a frame: a still picture matches its "
        "own past without being a recording, so stillness is never called a replay.",
    )
    no_liveness_s: float = Field(
        30.0, gt=0, description="No blink and no change of expression this long (only when no_liveness is enabled)."
    )
    speech_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="A quarter second of sound is speech when the voice-activity model called at least this share of "
        "it speech (its own threshold, per 32 ms): a breath or a click is a few frames, a word fills the step.",
    )
    lips_still: float = Field(
        0.006,
        gt=0,
        description="Lips are still when their opening (in eye spans) spreads less than this over the frames around "
        "a quarter second: the still faces of the dev clips read at most 0.0049 (the mesh's jitter), the talking "
        "heads' own speech at least 0.0064, 0.0076 at its 5th percentile (scripts/measure/lip_activity.py, 5 fps).",
    )
    lips_moving: float = Field(
        0.010,
        gt=0,
        description="Lips move with speech when the spread is at least this (10 of the talking heads' 109 quarter "
        "seconds of speech read under it); between still and this they are neither: such speech is not another "
        "voice (it ends one at once) nor, for `speaking`, the candidate.",
    )
    other_voice_s: float = Field(
        2.0,
        gt=0,
        description="Speech while the candidate's lips are still for this long is another voice: shorter is a cough, "
        "a sound from the street, a word the lips hid.",
    )
    other_voice_high_s: float = Field(
        10.0,
        gt=0,
        description="Another voice this long, or one that comes back after an earlier one in the session, is high: "
        "someone is talking to the candidate, not passing by.",
    )
    speaking_s: float = Field(
        3.0, gt=0, description="In a silent exam (`speaking` on), the candidate speaking this long is an event."
    )
    speaking_medium_s: float = Field(
        20.0, gt=0, description="...and medium from this long on: a question read aloud is short, a conversation not."
    )

    @model_validator(mode="after")
    def _votes_make_sense(self) -> Thresholds:
        for name in ("extra_person_votes", "phone_votes", "book_votes", "device_votes"):
            k, n = getattr(self, name)
            if not 1 <= k <= n <= 30:
                raise ValueError(f"{name} must be (k, n) with 1 <= k <= n <= 30, got ({k}, {n})")
        return self


class _WeightsBase(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    def for_type(self, event_type: str) -> float:
        return float(getattr(self, event_type))


# One field per event type, its default from the registry (a type checker sees the base and its method).
if TYPE_CHECKING:
    Weights = _WeightsBase
else:
    Weights = create_model(
        "Weights",
        __base__=_WeightsBase,
        __doc__="Risk points an event adds, times its confidence, per type (scaled by severity).",
        **{kind: (float, spec.weight) for kind, spec in EVENTS.items()},
    )


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = "standard"
    thresholds: Thresholds = Field(default_factory=Thresholds)
    weights: Weights = Field(default_factory=Weights)
    disabled_rules: list[str] = Field(default_factory=list, description="Accommodations: rules switched off.")
    enabled_rules: list[str] = Field(
        default_factory=list, description=f"Rules that are off by default, switched on: {list(OPTIONAL)}."
    )
    risk_half_life_s: float = Field(120.0, gt=0, description="The live score halves in this time without events.")
    review_score: float = Field(30.0, ge=0, le=100, description="Peak score from which a person should review.")
    high_risk_score: float = Field(70.0, ge=0, le=100, description="Peak score for high_risk.")
    min_watched_share: float = Field(
        0.9,
        ge=0,
        le=1,
        description="A session watched for less than this share of its time (coverage: frames arrived, were "
        "analysed and could be judged) cannot be clear: its verdict is incomplete. Every honest clip here is "
        "watched 100% of its time at 2, 5 and 10 fps; a tenth allows a camera or a connection that drops out for "
        "a moment now and then.",
    )
    max_unwatched_s: float = Field(
        60.0,
        gt=0,
        description="...nor a session with a longer stretch than this unwatched in one go, whatever its share: "
        "a minute is more than a reconnection or a moment of darkness takes, and enough to fetch help.",
    )

    @model_validator(mode="after")
    def _known_rules(self) -> Policy:
        unknown = sorted(set(self.disabled_rules) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown rules in disabled_rules: {unknown}; known: {list(EVENT_TYPES)}")
        not_optional = sorted(set(self.enabled_rules) - set(OPTIONAL))
        if not_optional:
            raise ValueError(f"enabled_rules may only hold {list(OPTIONAL)}, not {not_optional}")
        if self.review_score > self.high_risk_score:
            raise ValueError("review_score must not exceed high_risk_score")
        return self

    def enabled(self, rule: str) -> bool:
        if rule in OPTIONAL and rule not in self.enabled_rules:
            return False
        return rule not in self.disabled_rules


_STRICT: dict[Any, Any] = {float: StrictFloat, int: StrictInt, tuple[int, int]: tuple[StrictInt, StrictInt]}


def _overrides(model: type[BaseModel], name: str) -> type[BaseModel]:
    """`model` with every field optional and no default: the fields a caller changes. Numbers are strict:
    `true` is not 1, `"5"` is not 5."""
    fields: dict[str, Any] = {}
    for key, field in model.model_fields.items():
        base = _STRICT.get(field.annotation, field.annotation)
        annotation: Any = Annotated[(base, *field.metadata)] if field.metadata else base
        fields[key] = (annotation | None, Field(None, description=field.description))
    return create_model(name, __config__=ConfigDict(extra="forbid", allow_inf_nan=False), **fields)


ThresholdOverrides = _overrides(Thresholds, "ThresholdOverrides")
WeightOverrides = _overrides(Weights, "WeightOverrides")


class PolicyOverrides(BaseModel):
    """A preset and the fields that change it: the shape of a `policy` object in the API."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    preset: PresetName = Field("standard", description="The preset the other fields change.")
    name: str | None = Field(None, max_length=100, description="A name for the policy in reports.")
    thresholds: ThresholdOverrides | None = None  # type: ignore[valid-type]
    weights: WeightOverrides | None = None  # type: ignore[valid-type]
    disabled_rules: list[EventType] | None = Field(None, description="Accommodations: rules switched off.")
    enabled_rules: list[OptionalEventType] | None = Field(None, description="Rules off by default, switched on.")
    risk_half_life_s: StrictFloat | None = Field(None, gt=0)
    review_score: StrictFloat | None = Field(None, ge=0, le=100)
    high_risk_score: StrictFloat | None = Field(None, ge=0, le=100)
    min_watched_share: StrictFloat | None = Field(None, ge=0, le=1)
    max_unwatched_s: StrictFloat | None = Field(None, gt=0)

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


_PRESET_CHANGES: dict[str, dict[str, Any]] = {
    "lenient": {
        "thresholds": {"no_face_s": 6.0, "gaze_away_s": 8.0, "head_turned_s": 8.0, "phone_votes": (3, 5),
                       "repeated_glances": 10, "multiple_faces_s": 3.0},
        "review_score": 40.0,
        "min_watched_share": 0.8,
        "max_unwatched_s": 120.0,
    },
    "standard": {},
    "strict": {
        "thresholds": {"no_face_s": 2.0, "gaze_away_s": 3.0, "gaze_away_deg": 18.0, "head_turned_s": 3.0,
                       "repeated_glances": 4, "multiple_faces_s": 1.0},
        "review_score": 25.0,
        "high_risk_score": 60.0,
        "min_watched_share": 0.95,
        "max_unwatched_s": 30.0,
    },
    # a written exam: the candidate is meant to be silent, so their own speech is an event too
    "exam": {"enabled_rules": ["speaking"]},
}  # fmt: skip


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = (
            _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
        )
    return merged


def preset(name: str) -> Policy:
    if name not in _PRESET_CHANGES:
        raise PolicyError(f"unknown policy preset {name!r}; choose one of {sorted(_PRESET_CHANGES)}")
    return Policy.model_validate(_merge({"name": name}, _PRESET_CHANGES[name]))


def build_policy(spec: str | dict[str, Any] | None) -> Policy:
    """A preset name, or an object: {"preset"?: name, any Policy field as an override}."""
    if spec is None:
        return preset("standard")
    if isinstance(spec, str):
        return preset(spec)
    if not isinstance(spec, dict):
        raise PolicyError(f"a policy is a preset name or an object of policy fields, not {type(spec).__name__}")
    changes = dict(spec)
    base = preset(str(changes.pop("preset", changes.get("name", "standard")))).model_dump()
    try:
        return Policy.model_validate(_merge(base, changes))
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'policy'}: {e['msg']}" for e in error.errors())
        raise PolicyError(f"invalid policy: {problems}") from None


def load_policy(path: Path) -> Policy:
    text = path.read_text()
    data = yaml.safe_load(text) if path.suffix in {".yaml", ".yml"} else json.loads(text)
    if not isinstance(data, (dict, str)):
        raise PolicyError(f"{path} must hold a preset name or a mapping of policy fields")
    return build_policy(data)
