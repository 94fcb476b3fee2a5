"""The rules, in the order they see each frame (a rule may read the state of the rules before it)."""

from __future__ import annotations

from interview_integrity.analysis.rules.attention import Attention
from interview_integrity.analysis.rules.base import Frame, Rule
from interview_integrity.analysis.rules.calibration import Calibration
from interview_integrity.analysis.rules.camera import CameraRule
from interview_integrity.analysis.rules.coverage import CoverageRule
from interview_integrity.analysis.rules.identity import IdentityRule
from interview_integrity.analysis.rules.objects import Objects
from interview_integrity.analysis.rules.presence import Presence
from interview_integrity.analysis.rules.setup import SetupRule

RULES: tuple[Rule, ...] = (
    Calibration(), SetupRule(), Presence(), Attention(), Objects(), IdentityRule(), CameraRule(), CoverageRule(),
)  # fmt: skip

__all__ = ["RULES", "Frame", "Rule"]
