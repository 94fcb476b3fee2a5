"""What was watched, what was not and why, and the frames the service refused (analysis/coverage.py measures
them): a card of the reviewer's page."""

from __future__ import annotations

from html import escape
from typing import Any

from interview_integrity.report.times import clock

UNWATCHED_WORDS = {
    "no_frames": "no frames arrived",
    "refused": "frames were refused",
    "unusable": "too dark, blurred or covered to find a face in",
    "frozen": "a frozen picture",
    "replayed": "a replayed recording",
}
REFUSED_WORDS = {
    "out_of_order": "out of order (earlier than a frame already analysed)",
    "clock_jump": "a clock jump (too far from the session's frames)",
    "bad_timestamp": "not a usable timestamp",
    "bad_image": "not a usable image",
    "busy": "the service was busy",
}


def _claimed(claimed: Any) -> str:
    return "" if not claimed else f"{float(claimed[0]):g} to {float(claimed[1]):g} s"


def coverage_section(summary: dict[str, Any], axis_start: float) -> str:
    """What was watched and what was not, and why; the frames the service refused: how many, when, why."""
    coverage = summary.get("coverage")
    if not coverage:
        return ""
    share = coverage.get("share")
    watched = "nothing to measure (no time with frames)" if share is None else f"{100 * share:.0f}% watched"
    items = [
        f"{watched}: {coverage['watched_s']:.0f} s of {coverage['open_s']:.0f} s open for frames; the policy asks "
        f"for at least {100 * coverage['min_share']:.0f}% and no stretch over {coverage['max_unwatched_s']:g} s "
        f"unwatched (the longest was {coverage['longest_unwatched_s']:.0f} s)."
    ]
    for reason, seconds in coverage.get("unwatched_by_reason", {}).items():
        items.append(f"Not watched for {seconds:.1f} s: {escape(UNWATCHED_WORDS.get(reason, reason))}.")
    refused = coverage.get("refused") or {}
    if refused.get("count"):
        why = "; ".join(f"{escape(REFUSED_WORDS.get(r, r))}: {n}" for r, n in refused.get("by_reason", {}).items())
        items.append(f"Frames refused: {refused['count']}. {why[:1].upper()}{why[1:]}.")
    rows = "".join(
        f'<tr class="refused"><td>{clock(run["at"] - axis_start)}</td><td>{run["count"]}</td>'
        f"<td>{escape(REFUSED_WORDS.get(run['reason'], run['reason']))}</td><td>{_claimed(run.get('claimed'))}</td></tr>"
        for run in refused.get("runs", [])
    )
    table = (
        '<div class="scroll"><table><tr><th>when</th><th>frames</th><th>why refused</th><th>their timestamps</th></tr>'
        f"{rows}</table></div>"
        if rows
        else ""
    )
    return (
        '<h2>What was watched</h2><div class="card" data-testid="coverage"><ul class="checks">'
        + "".join(f"<li>{item}</li>" for item in items)
        + f"</ul>{table}</div>"
    )
