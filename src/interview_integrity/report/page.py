"""The reviewer's page: one self-contained HTML file (inline CSS and SVG, no scripts, no external URLs).

Read at a glance, in this order: the verdict and, in one sentence, why; what the service could and could
not judge (the start-of-session check, the setup, the cameras); risk and events on one axis, the session's
own clock (chart.py); the events in plain words with their codes, what each was measured against, and a
link to its snapshot; the snapshots, large enough to judge; the reviewers' decisions with their names; the
summary and the policy. It holds on a phone-width screen and prints cleanly to PDF. Every string from a
caller (ids, notes, metadata, camera labels) is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from interview_integrity.analysis.registry import title
from interview_integrity.report.chart import SEVERITY_COLOUR, UNWATCHED_COLOUR, axis_of, clock, event_bands, risk_chart

VERDICT_COLOUR = {"clear": "#2e7d32", "incomplete": "#5b6470", "review": "#b26a00", "high_risk": "#b3261e"}
VERDICT_TITLE = {
    "clear": "Clear",
    "incomplete": "Incomplete: not enough was watched",
    "review": "Needs human review",
    "high_risk": "Needs human review soon",
}
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

CSS = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f7f9}
main{max-width:900px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.muted{color:#5b6470} .card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px;margin:12px 0}
.verdict{display:inline-block;color:#fff;border-radius:6px;padding:4px 10px;font-weight:600;font-size:16px}
.reason{font-size:17px;margin:10px 0 4px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:7px 8px;border-bottom:1px solid #eceef1;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6470}
.sev{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.dismissed{color:#8a939e} .dismissed .what{text-decoration:line-through}
.tag{font-size:12px;border-radius:4px;padding:1px 6px;background:#eceef1;white-space:nowrap}
code{font-size:12px;background:#f2f4f7;border-radius:4px;padding:1px 4px}
.measured{font-size:13px;color:#5b6470}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px}
figure{margin:0} figure img{width:100%;max-width:480px;border-radius:6px;border:1px solid #dde1e6;image-rendering:auto}
figcaption{font-size:13px;color:#5b6470}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px}
.stat b{display:block;font-size:20px}
.bar{height:8px;background:#eceef1;border-radius:4px;overflow:hidden;margin-top:4px} .bar span{display:block;height:8px;background:#3b5bdb}
.checks li{margin:2px 0}
.legend{font-size:13px}
a{color:#1a56db}
@media (max-width:640px){
  main{padding:12px} h1{font-size:19px} .card{padding:12px}
  .stats{grid-template-columns:1fr 1fr}
  table.events thead{display:none} table.events tr{display:block;border-bottom:1px solid #dde1e6;padding:6px 0}
  table.events td{display:block;border:0;padding:2px 4px} table.events td.when{font-weight:600}
}
@media print{
  body{background:#fff;font-size:12px} main{max-width:none;padding:0}
  .card{border:1px solid #bbb;break-inside:avoid} h2{break-after:avoid}
  a{color:#000;text-decoration:none} .noprint{display:none}
  figure{break-inside:avoid} figure img{max-width:320px}
  details > *{display:block}
}
"""


def _pct(value: Any) -> float | None:
    return None if value is None else max(0.0, min(100.0, 100 * float(value)))


def _stat(value: Any, label: str, bar: bool = False) -> str:
    share = _pct(value)
    shown = "n/a" if share is None else f"{share:.0f}%"
    track = f'<div class="bar"><span style="width:{share:.0f}%"></span></div>' if bar and share is not None else ""
    return f'<div class="stat"><b>{shown}</b>{escape(label)}{track}</div>'


def _check_section(summary: dict[str, Any]) -> str:
    check = summary.get("check") or {}
    if not check:
        return ""
    items = []
    camera = check.get("camera", {})
    if camera.get("view") and camera["view"] != "unknown":
        yaw = camera.get("yaw_deg")
        angle = f" ({abs(yaw):.0f}° to the {'image-left' if yaw > 0 else 'image-right'})" if yaw else ""
        items.append(f"Camera: {escape(camera['view'])}{angle}.")
    if check.get("face_found") is not None:
        items.append(f"Face found in the first seconds: {'yes' if check['face_found'] else 'no'}; "
                     f"well lit: {'yes' if check.get('well_lit') else 'no'}.")  # fmt: skip
    if check.get("calibrated"):
        gaze = "yes" if check.get("gaze_assessable") else f"no: {escape(check.get('gaze_reason') or 'unknown')}"
        items.append(f"Gaze could be read: {gaze}. Gaze and head turns are measured against the candidate's own "
                     "resting pose, whatever the camera angle.")  # fmt: skip
    else:
        items.append("The candidate's resting pose was never measured: no gaze or head-turn event was judged.")
    setup = check.get("setup") or []
    items.append(
        "Taken as the candidate's setup (not events): " + escape(", ".join(setup)) + "."
        if setup
        else "No screen, laptop or keyboard was in view at the start."
    )
    cameras = summary.get("cameras") or []
    if cameras:
        items.append("Camera reported by the browser: " + escape(", ".join(cameras)) + ".")
    identity = summary.get("identity") or {}
    if identity.get("checked"):
        enrolled = (
            "the candidate's face was enrolled from the first seconds"
            if identity.get("enrolled")
            else ("no face was clear enough to enrol, so the same-person check did not run")
        )
        photo = "; compared with a reference photo too" if identity.get("reference_photo") else ""
        items.append(f"Same person all session: {enrolled}{photo}.")
    for advice in check.get("advice") or []:
        items.append(f"<b>{escape(advice)}</b>")
    return (
        '<h2>What could be judged</h2><div class="card"><ul class="checks">'
        + "".join(f"<li>{item}</li>" for item in items)
        + "</ul></div>"
    )


def _claimed(claimed: Any) -> str:
    return "" if not claimed else f"{float(claimed[0]):g} to {float(claimed[1]):g} s"


def _coverage_section(summary: dict[str, Any], axis_start: float, span: float) -> str:
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
        f'<tr class="refused"><td>{clock(run["at"] - axis_start, span)}</td><td>{run["count"]}</td>'
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


def _event_rows(report: dict[str, Any], start: float, span: float, dismissed: set[str]) -> str:
    decisions = {r["event_id"]: r for r in report.get("reviews", []) if r.get("event_id")}
    snapshots = {e["event_id"] for e in report.get("evidence", [])}
    rows = []
    for event in report["events"]:
        review = decisions.get(event["id"])
        status = ""
        if review:
            status = f' <span class="tag">{escape(review["decision"])} by {escape(review.get("reviewer", ""))}</span>'
        css = ' class="dismissed"' if event["id"] in dismissed else ""
        instant = event["ended_at"] == event["started_at"]
        duration = "" if instant else f"{event['duration_s']:.0f} s" if event["duration_s"] >= 1 else "under 1 s"
        if event["ended_at"] is None:
            duration += " (open)"
        link = f' <a href="#evidence-{escape(event["id"])}">snapshot</a>' if event["id"] in snapshots else ""
        measured = f'<div class="measured">{escape(event.get("measured", ""))}</div>' if event.get("measured") else ""
        begin = max(event["started_at"], start) - start
        rows.append(
            f'<tr id="event-{escape(event["id"])}"{css}><td class="when">{clock(begin, span)}</td>'
            f'<td class="what"><b>{escape(title(event["type"]))}</b><br><code>{escape(event["type"])}</code></td>'
            f'<td><span class="sev" style="background:{SEVERITY_COLOUR[event["severity"]]}"></span>{escape(event["severity"])}</td>'
            f"<td>{event['confidence']:.2f}</td><td>{duration}</td>"
            f"<td>{escape(event['message'])}{link}{status}{measured}</td></tr>"
        )
    return "".join(rows)


def render_report(report: dict[str, Any]) -> str:
    summary, events = report["summary"], report["events"]
    reviews = report.get("reviews", [])
    dismissed = {r["event_id"] for r in reviews if r["decision"] == "dismissed" and r["event_id"]}
    axis = axis_of(report)
    verdict, policy = report["verdict"], report["policy"]
    explanation = summary.get("explanation", {})
    reason = explanation.get("reason") or explanation.get("meaning", "")
    evidence = "".join(
        f'<figure id="evidence-{escape(item["event_id"])}"><img alt="the frame behind {escape(item["event_type"])}" '
        f'src="data:image/jpeg;base64,{item["jpeg_base64"]}"><figcaption>{clock(item["timestamp"] - axis.start, axis.span)} · '
        f"{escape(title(item['event_type']))} · frame {item['frame_index']} · "
        f'<a href="#event-{escape(item["event_id"])}">the event</a></figcaption></figure>'
        for item in report.get("evidence", [])
    )
    review_rows = "".join(
        f"<tr><td>{escape(r['decision'])}</td><td>{escape(r['event_id'] or 'whole session')}</td>"
        f"<td>{escape(r['note'])}</td><td>{escape(r.get('reviewer', ''))}</td></tr>"
        for r in reviews
    )
    by_category = "".join(
        f"<tr><td>{escape(k)}</td><td>{v:.1f}</td></tr>" for k, v in explanation.get("points_by_category", {}).items()
    )
    thresholds = "".join(
        f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in policy["thresholds"].items()
    )
    by_type = ", ".join(f"{escape(title(k))} {v}" for k, v in summary.get("events_by_type", {}).items()) or "none"
    span_text = f"{clock(axis.span)} from the first frame to the last" if axis.span >= 1 else "a single moment"
    counted = float(summary.get("duration_s") or 0.0)
    legend = "".join(
        f'<span class="sev" style="background:{SEVERITY_COLOUR[s]}"></span>{s} ' for s in ("low", "medium", "high")
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Session report · {escape(report["candidate_id"])}</title><style>{CSS}</style></head>
<body><main>
<h1>Session report: {escape(report["candidate_id"])}</h1>
<div class="muted">Session {escape(report["session_id"])} · {span_text} ({counted:.0f} s with frames analysed) · {summary.get("frames_analyzed", 0)} frames · policy {escape(policy["name"])} · {escape(report["status"])}</div>
<div class="card" data-testid="verdict"><span class="verdict" style="background:{VERDICT_COLOUR[verdict]}">{VERDICT_TITLE[verdict]}</span>
<p class="reason">{escape(reason)}</p>
<p class="muted">{escape(explanation.get("meaning", ""))} Automated signals can be wrong; a person decides.</p>
<div class="stats">
<div class="stat"><b>{summary.get("peak_risk", 0):.0f}</b>peak risk (0-100)</div>
<div class="stat"><b>{summary.get("final_risk", 0):.0f}</b>risk at the end</div>
{_stat((summary.get("coverage") or {}).get("share"), "of the session watched", bar=True)}
{_stat(summary.get("share_with_face"), "of the time a face was visible", bar=True)}
{_stat(summary.get("share_looking_at_screen"), "looking at the screen, when it could be judged", bar=True)}
</div></div>
{_check_section(summary)}
{_coverage_section(summary, axis.start, axis.span)}
<h2>Risk and events over the session</h2><div class="card">{risk_chart(report, axis)}{event_bands(report, axis, dismissed)}
<div class="muted legend">{legend}<span class="sev" style="background:#c9cfd6"></span>dismissed by a reviewer · <span class="sev" style="background:{UNWATCHED_COLOUR}"></span>not watched · grey stripes: no frames arrived · times from the first frame</div></div>
<h2>Events ({len(events)})</h2><div class="card scroll"><table class="events"><thead><tr><th>time</th><th>event</th><th>severity</th><th>confidence</th><th>duration</th><th>what happened, and against what it was measured</th></tr></thead>
<tbody>{_event_rows(report, axis.start, axis.span, dismissed) or '<tr><td colspan="6" class="muted">No events.</td></tr>'}</tbody></table></div>
{f'<h2>Evidence</h2><div class="card grid">{evidence}</div>' if evidence else ""}
<h2>Reviewer decisions</h2><div class="card scroll">{f"<table><tr><th>decision</th><th>event</th><th>note</th><th>reviewer</th></tr>{review_rows}</table>" if review_rows else '<span class="muted">None yet. Decisions never change the measured events.</span>'}</div>
<h2>Summary</h2><div class="card"><p>Events by type: {by_type}.</p>
<table><tr><th>category</th><th>risk points added</th></tr>{by_category or '<tr><td colspan="2" class="muted">none</td></tr>'}</table></div>
<h2>Policy</h2><div class="card"><p>{escape(policy["name"])}; rules switched off: {escape(", ".join(policy["disabled_rules"]) or "none")}; risk half-life {policy["risk_half_life_s"]:.0f} s.</p>
<details><summary>Thresholds</summary><div class="scroll"><table>{thresholds}</table></div></details></div>
<p class="muted">Stored with this session: the events, scores and summary{", and the evidence snapshots above" if evidence else "; no frame was stored"}. Everything is deleted at the end of the retention period, or at once with DELETE /sessions/{{id}}.</p>
</main></body></html>"""
