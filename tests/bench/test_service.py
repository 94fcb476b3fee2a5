"""`make bench`'s summary of the server: which features were on and where a frame's time went."""

from __future__ import annotations

from prometheus_client import generate_latest

from interview_integrity.bench.service import features_line, parse_stage_totals, stage_means
from interview_integrity.metrics import Metrics
from interview_integrity.service.frames import STAGES


def scrape(observed: dict[str, list[float]]) -> str:
    """The /metrics text of a server that observed these stage times (seconds)."""
    metrics = Metrics()
    for stage, values in observed.items():
        for value in values:
            metrics.stages.labels(stage).observe(value)
    return generate_latest(metrics.registry).decode()


def test_stage_totals_are_read_from_the_servers_metrics() -> None:
    totals = parse_stage_totals(scrape({"models": [0.010, 0.020], "store": [0.001]}))
    assert totals["models"] == (0.030, 2.0) and totals["store"] == (0.001, 1.0)
    assert parse_stage_totals("ii_frames_analyzed_total 3.0\n") == {}


def test_stage_means_are_over_the_frames_of_the_run_only() -> None:
    before = parse_stage_totals(scrape({"wait": [1.0], "models": [0.5]}))
    after = parse_stage_totals(scrape({"wait": [1.0, 0.002, 0.004], "models": [0.5, 0.010, 0.020]}))
    line = stage_means(before, after)
    assert line == "mean ms a frame in the server: wait 3.0, decode -, models 15.0, rules -, store -, answer -"
    assert [part.split()[0] for part in line.split(": ")[1].split(", ")] == list(STAGES)


def test_the_features_line_says_what_was_on() -> None:
    ready = {"status": "ready", "detectors": ["ssdlite", "phone"], "identity_check": True}
    assert features_line(ready, sound=True) == "features on: detectors ssdlite+phone, identity check, sound"
    bare = {"status": "ready", "detectors": [], "identity_check": False}
    assert features_line(bare, sound=False) == "features on: detectors none, no identity check, no sound"
