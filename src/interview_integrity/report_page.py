"""The reviewer's page: one self-contained HTML file (inline CSS and SVG, no scripts, no external URLs).

Read in a minute: the verdict and what it means, the risk over time, a band per event category with each
event's span, the events table with reviewer decisions, evidence thumbnails (only when switched on), the
summary and the policy. Every string from a caller (ids, notes, metadata) is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

CATEGORIES = ("presence", "identity", "attention", "device", "environment", "client")
SEVERITY_COLOUR = {"low": "#9fb7d9", "medium": "#f0a43a", "high": "#d9534f"}
VERDICT_COLOUR = {"clear": "#2e7d32", "review": "#b26a00", "high_risk": "#b3261e"}
VERDICT_TITLE = {"clear": "Clear", "review": "Needs human review", "high_risk": "Needs human review soon"}
_W, _H, _PAD = 760, 160, 34

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f7f9}
main{max-width:860px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
.muted{color:#5b6470} .card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px;margin:12px 0}
.verdict{display:inline-block;color:#fff;border-radius:6px;padding:4px 10px;font-weight:600}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eceef1;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6470}
.sev{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.dismissed{color:#8a939e;text-decoration:line-through} .tag{font-size:12px;border-radius:4px;padding:1px 6px;background:#eceef1}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px}
figure{margin:0} figure img{width:100%;border-radius:6px;border:1px solid #dde1e6} figcaption{font-size:12px;color:#5b6470}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.stat b{display:block;font-size:20px}
"""


def _clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    return f"{int(seconds // 60):02d}:{int(seconds % 60):02d}"


def _pct(value: Any) -> str:
    return "n/a" if value is None else f"{100 * float(value):.0f}%"


def _risk_chart(timeline: list[list[float]], start: float, duration: float, review: float, high: float) -> str:
    span = max(duration, 1.0)

    def x(t: float) -> float:
        return _PAD + (t - start) / span * (_W - _PAD - 8)

    def y(score: float) -> float:
        return _H - 20 - score / 100 * (_H - 30)

    points = " ".join(f"{x(t):.1f},{y(s):.1f}" for t, s in timeline) or f"{_PAD},{y(0)} {_W - 8},{y(0)}"
    lines = "".join(
        f'<line x1="{_PAD}" x2="{_W - 8}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{c}" stroke-dasharray="4 4"/>'
        f'<text x="{_W - 10}" y="{y(v) - 4:.1f}" font-size="10" text-anchor="end" fill="{c}">{label} {v:.0f}</text>'
        for v, c, label in ((review, "#b26a00", "review"), (high, "#b3261e", "high risk"))
    )
    axis = "".join(
        f'<text x="{_PAD - 6}" y="{y(v) + 3:.1f}" font-size="10" text-anchor="end" fill="#5b6470">{v}</text>'
        for v in (0, 50, 100)
    )
    ticks = "".join(
        f'<text x="{x(start + span * f):.1f}" y="{_H - 4}" font-size="10" text-anchor="{anchor}" fill="#5b6470">{_clock(span * f)}</text>'
        for f, anchor in ((0, "start"), (0.25, "middle"), (0.5, "middle"), (0.75, "middle"), (1, "end"))
    )
    return (
        f'<svg viewBox="0 0 {_W} {_H}" width="100%" role="img" aria-label="Risk score over time">'
        f'<rect x="{_PAD}" y="10" width="{_W - _PAD - 8}" height="{_H - 30}" fill="#fafbfc" stroke="#eceef1"/>'
        f"{lines}{axis}{ticks}"
        f'<polyline points="{points}" fill="none" stroke="#3b5bdb" stroke-width="2"/></svg>'
    )


def _bands(events: list[dict[str, Any]], start: float, duration: float, dismissed: set[str]) -> str:
    span, row, label_w = max(duration, 1.0), 22, 90
    height = row * len(CATEGORIES) + 6
    parts = []
    for i, category in enumerate(CATEGORIES):
        top = i * row + 3
        parts.append(f'<text x="0" y="{top + 14}" font-size="11" fill="#5b6470">{category}</text>')
        parts.append(f'<rect x="{label_w}" y="{top}" width="{_W - label_w - 8}" height="{row - 6}" fill="#f2f4f7"/>')
        for event in (e for e in events if e["category"] == category):
            begin = (event["started_at"] - start) / span
            end = ((event["ended_at"] if event["ended_at"] is not None else start + span) - start) / span
            left = label_w + begin * (_W - label_w - 8)
            width = max(3.0, (end - begin) * (_W - label_w - 8))
            colour = "#c9cfd6" if event["id"] in dismissed else SEVERITY_COLOUR[event["severity"]]
            title = escape(
                f"{_clock(event['started_at'] - start)} {event['type']} ({event['severity']}): {event['message']}"
            )
            parts.append(
                f'<rect x="{left:.1f}" y="{top}" width="{width:.1f}" height="{row - 6}" fill="{colour}" rx="2"><title>{title}</title></rect>'
            )
    return f'<svg viewBox="0 0 {_W} {height}" width="100%" role="img" aria-label="Events by category over time">{"".join(parts)}</svg>'


def render_report(report: dict[str, Any]) -> str:
    summary, events = report["summary"], report["events"]
    reviews = report.get("reviews", [])
    dismissed = {r["event_id"] for r in reviews if r["decision"] == "dismissed" and r["event_id"]}
    decision = {r["event_id"]: r for r in reviews if r["event_id"]}
    first = report.get("started_at")
    start = float(first) if first is not None else float(events[0]["started_at"] if events else 0.0)
    duration = float(summary.get("duration_s") or 0.0)
    verdict = report["verdict"]
    policy = report["policy"]
    explanation = summary.get("explanation", {})

    rows = []
    for event in events:
        review = decision.get(event["id"])
        status = f'<span class="tag">{escape(review["decision"])}</span>' if review else ""
        css = ' class="dismissed"' if event["id"] in dismissed else ""
        duration_s = "" if event["ended_at"] == event["started_at"] else f"{event['duration_s']:.0f} s"
        rows.append(
            f"<tr{css}><td>{_clock(event['started_at'] - start)}</td><td>{escape(event['type'])}</td>"
            f'<td><span class="sev" style="background:{SEVERITY_COLOUR[event["severity"]]}"></span>{escape(event["severity"])}</td>'
            f"<td>{event['confidence']:.2f}</td><td>{duration_s}</td><td>{escape(event['message'])} {status}</td></tr>"
        )
    evidence = "".join(
        f'<figure><img alt="evidence for {escape(item["event_type"])}" src="data:image/jpeg;base64,{item["jpeg_base64"]}">'
        f"<figcaption>{_clock(item['timestamp'] - start)} · {escape(item['event_type'])} · frame {item['frame_index']}</figcaption></figure>"
        for item in report.get("evidence", [])
    )
    review_rows = "".join(
        f"<tr><td>{escape(r['decision'])}</td><td>{escape(r['event_id'] or 'whole session')}</td>"
        f"<td>{escape(r['note'])}</td><td>{escape(r['reviewer'])}</td></tr>"
        for r in reviews
    )
    by_category = "".join(
        f"<tr><td>{escape(k)}</td><td>{v:.1f}</td></tr>" for k, v in explanation.get("points_by_category", {}).items()
    )
    thresholds = "".join(
        f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in policy["thresholds"].items()
    )
    by_type = ", ".join(f"{escape(k)} {v}" for k, v in summary.get("events_by_type", {}).items()) or "none"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Session report · {escape(report["candidate_id"])}</title><style>{CSS}</style></head>
<body><main>
<h1>Session report: {escape(report["candidate_id"])}</h1>
<div class="muted">Session {escape(report["session_id"])} · {_clock(duration)} analysed · {summary.get("frames_analyzed", 0)} frames · policy {escape(policy["name"])} · {escape(report["status"])}</div>
<div class="card"><span class="verdict" style="background:{VERDICT_COLOUR[verdict]}">{VERDICT_TITLE[verdict]}</span>
<p>{escape(explanation.get("meaning", ""))} Automated signals can be wrong; a person decides.</p>
<div class="stats">
<div class="stat"><b>{summary.get("peak_risk", 0):.0f}</b>peak risk (0-100)</div>
<div class="stat"><b>{summary.get("final_risk", 0):.0f}</b>final risk</div>
<div class="stat"><b>{_pct(summary.get("share_with_face"))}</b>of the time a face was visible</div>
<div class="stat"><b>{_pct(summary.get("share_looking_at_screen"))}</b>looking at the screen (when it could be judged)</div>
</div></div>
<h2>Risk over time</h2><div class="card">{_risk_chart(report.get("risk_timeline", []), start, duration, policy["review_score"], policy["high_risk_score"])}</div>
<h2>Timeline</h2><div class="card">{_bands(events, start, duration, dismissed)}
<div class="muted"><span class="sev" style="background:{SEVERITY_COLOUR["low"]}"></span>low <span class="sev" style="background:{SEVERITY_COLOUR["medium"]}"></span>medium <span class="sev" style="background:{SEVERITY_COLOUR["high"]}"></span>high <span class="sev" style="background:#c9cfd6"></span>dismissed by a reviewer</div></div>
<h2>Events ({len(events)})</h2><div class="card"><table><tr><th>time</th><th>type</th><th>severity</th><th>confidence</th><th>duration</th><th>what happened</th></tr>
{"".join(rows) or '<tr><td colspan="6" class="muted">No events.</td></tr>'}</table></div>
{f'<h2>Evidence</h2><div class="card grid">{evidence}</div>' if evidence else ""}
<h2>Reviewer decisions</h2><div class="card">{f"<table><tr><th>decision</th><th>event</th><th>note</th><th>reviewer</th></tr>{review_rows}</table>" if review_rows else '<span class="muted">None yet. Decisions never change the measured events.</span>'}</div>
<h2>Summary</h2><div class="card"><p>Events by type: {by_type}.</p>
<table><tr><th>category</th><th>risk points added</th></tr>{by_category or '<tr><td colspan="2" class="muted">none</td></tr>'}</table></div>
<h2>Policy</h2><div class="card"><p>{escape(policy["name"])}; rules switched off: {escape(", ".join(policy["disabled_rules"]) or "none")}; risk half-life {policy["risk_half_life_s"]:.0f} s.</p>
<details><summary>Thresholds</summary><table>{thresholds}</table></details></div>
<p class="muted">Stored with this session: the events, scores and summary{", and the evidence thumbnails above" if evidence else "; no frame was stored"}. Everything is deleted at the end of the retention period, or at once with DELETE /sessions/{{id}}.</p>
</main></body></html>"""
