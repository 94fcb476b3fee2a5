"""The report's sound track, on the chart's axis: who was heard when, and when nothing could be.

One row under the events: the candidate speaking, another voice (speech while their lips were still),
speech whose speaker could not be told (their lips could not be read), silence; a stretch without any of
them had no audio. A line below says how much of each, in seconds. Like the chart, every stretch carries
its times in data attributes, so a test can check the picture against the report.
"""

from __future__ import annotations

from html import escape
from typing import Any

from interview_integrity.report.chart import WIDTH, Axis
from interview_integrity.report.times import clock

SOUND = {
    "speaking": ("#3b5bdb", "the candidate speaking"),
    "other_voice": ("#d9534f", "another voice"),
    "voice": ("#9c6ade", "speech, speaker not told (lips not readable)"),
    "silence": ("#dfe7f1", "silence"),
}
NO_AUDIO = "no audio"


def sound_track(report: dict[str, Any], axis: Axis) -> str:
    runs = report.get("sound_track") or []
    sound = (report.get("summary") or {}).get("sound")
    row, top, height = 18, 4, 52
    parts = [
        f'<text x="0" y="{top + 13}" font-size="11" fill="#5b6470">heard</text>',
        f'<rect class="no-audio" x="{axis.left}" y="{top}" width="{axis.right - axis.left}" height="{row}" '
        f'fill="#f7f8fa" stroke="#c9cfd6" stroke-dasharray="3 3"><title>{NO_AUDIO}</title></rect>',
    ]
    for run in runs:
        start, end, kind = float(run["start"]), float(run["end"]), str(run["kind"])
        colour, words = SOUND.get(kind, ("#c9cfd6", kind))
        x0, x1 = axis.x(start), axis.x(end)
        parts.append(
            f'<rect class="sound {escape(kind)}" x="{x0:.1f}" y="{top}" width="{max(1.0, x1 - x0):.1f}" '
            f'height="{row}" fill="{colour}" data-kind="{escape(kind)}" data-start="{start - axis.start:.2f}" '
            f'data-end="{end - axis.start:.2f}"><title>{clock(start - axis.start)}-{clock(end - axis.start)} '
            f"{escape(words)}</title></rect>"
        )
    legend = "".join(
        f'<span class="sev" style="background:{colour}"></span>{escape(words)} ' for colour, words in SOUND.values()
    )
    legend += '<span class="sev" style="background:#f7f8fa;border:1px dashed #c9cfd6"></span>no audio (dashed)'
    svg = (
        f'<svg class="sound-track" viewBox="0 0 {WIDTH} {height - 24}" width="100%" role="img" '
        f'aria-label="Sound over the session" data-axis-left="{axis.left}" data-axis-right="{axis.right}" '
        f'data-span="{axis.span:.2f}">{"".join(parts)}</svg>'
    )
    return f'{svg}<div class="muted legend" data-testid="sound-summary">{_totals(sound)}<br>{legend}</div>'


def _totals(sound: dict[str, Any] | None) -> str:
    if not sound:
        return "No audio was received: voices were not checked."
    return (
        f"Sound heard for {sound['heard_s']:.0f} s: the candidate speaking {sound['speaking_s']:.0f} s, another voice "
        f"{sound['other_voice_s']:.0f} s, speech whose speaker could not be told {sound['voice_s']:.0f} s, silence "
        f"{sound['silence_s']:.0f} s. No sound was kept, only these numbers."
    )
