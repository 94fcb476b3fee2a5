"""Every verdict is declared once (`Verdict` in analysis/scoring.py): every place that names verdicts names
them all, `incomplete` included."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from interview_integrity.analysis.scoring import VERDICT_MEANING, Verdict
from interview_integrity.app import create_app
from interview_integrity.config import Settings
from interview_integrity.report.page import VERDICT_COLOUR, VERDICT_TITLE

REPO = Path(__file__).resolve().parents[2]
VERDICTS = get_args(Verdict)


def test_the_verdicts_are_the_four_and_each_has_its_words() -> None:
    assert VERDICTS == ("clear", "incomplete", "review", "high_risk")
    assert tuple(VERDICT_MEANING) == VERDICTS
    assert tuple(VERDICT_TITLE) == VERDICTS and tuple(VERDICT_COLOUR) == VERDICTS


def test_the_openapi_enum_and_the_listing_filter_are_the_literal() -> None:
    openapi = create_app(Settings()).openapi()
    assert tuple(openapi["components"]["schemas"]["Verdict"]["enum"]) == VERDICTS
    listing = openapi["paths"]["/sessions"]["get"]["parameters"]
    [verdict] = [p for p in listing if p["name"] == "verdict"]
    assert "#/components/schemas/Verdict" in str(verdict["schema"])


def test_the_javascript_types_and_the_react_labels_name_every_verdict() -> None:
    types = (REPO / "clients" / "javascript_client.d.ts").read_text()
    declared = re.search(r"export type Verdict =([^;]*);", types)
    assert declared is not None and tuple(re.findall(r"'([a-z_]+)'", declared.group(1))) == VERDICTS
    react = (REPO / "clients" / "react_example.jsx").read_text()
    labels = re.search(r"const VERDICT = \{([^}]*)\}", react)
    assert labels is not None and tuple(re.findall(r"\b([a-z_]+): '", labels.group(1))) == VERDICTS
