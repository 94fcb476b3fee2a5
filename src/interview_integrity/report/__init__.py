"""The reviewer's page: one self-contained HTML file (inline CSS and SVG, no scripts, no external URLs)."""

from interview_integrity.report.page import render_report

__all__ = ["render_report"]
