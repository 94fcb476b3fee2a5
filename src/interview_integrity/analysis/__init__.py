"""Behaviour analysis: per-frame signals over time -> events; no HTTP, no models, the clock passed in."""

from interview_integrity.analysis.engine import SessionAnalyzer, SessionState
from interview_integrity.analysis.events import Event
from interview_integrity.analysis.policy import Policy, load_policy

__all__ = ["Event", "Policy", "SessionAnalyzer", "SessionState", "load_policy"]
