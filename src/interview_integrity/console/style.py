"""The console's own styles, added to the report's (report/style.py)."""

CONSOLE_CSS = """
.top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;font-size:14px;margin:0 0 16px;padding-bottom:10px;border-bottom:1px solid #dde1e6}
.top nav{display:flex;gap:14px;align-items:center;flex-wrap:wrap}
.top .brand{font-weight:700;color:#1f2328;text-decoration:none}
.top form{display:inline;margin:0}
.linkish{background:none;border:0;color:#1a56db;cursor:pointer;font:inherit;padding:0;text-decoration:underline}
.pulse{display:inline-flex;align-items:center;gap:6px;font-size:13px;border-radius:12px;padding:2px 10px;background:#eceef1;color:#3d4550}
.pulse.on{background:#fde2e1;color:#8c1d18} .pulse.on::before{content:"";width:8px;height:8px;border-radius:50%;background:#d9534f;animation:blink 1.4s infinite}
@keyframes blink{50%{opacity:.2}}
button,.button{font:inherit;font-size:14px;border-radius:6px;border:1px solid #b8c0ca;background:#fff;color:#1f2328;padding:5px 12px;cursor:pointer;text-decoration:none;display:inline-block}
button.confirm{border-color:#b3261e;color:#b3261e} button.dismiss{border-color:#5b6470;color:#3d4550}
button.primary{background:#1a56db;border-color:#1a56db;color:#fff}
button:hover,.button:hover{filter:brightness(.95)} button:focus-visible,a:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #8fb3ff;outline-offset:1px}
input[type=text],input[type=password],input[type=date],select,textarea{font:inherit;font-size:14px;border:1px solid #b8c0ca;border-radius:6px;padding:5px 8px;background:#fff}
textarea{width:100%;min-height:44px}
.filters{display:flex;flex-wrap:wrap;gap:10px 14px;align-items:flex-end}
.filters label{display:flex;flex-direction:column;font-size:12px;color:#5b6470;gap:3px}
.filters label.check{flex-direction:row;align-items:center;font-size:14px;color:#1f2328;gap:6px;padding-bottom:6px}
table.sessions tbody tr{cursor:pointer} table.sessions tbody tr:hover{background:#f4f7ff}
tr.selected,tr.selected:hover{background:#eaf0ff;box-shadow:inset 4px 0 0 #1a56db}
.pill{display:inline-block;color:#fff;border-radius:10px;padding:1px 9px;font-size:13px;font-weight:600;white-space:nowrap}
.status-active{color:#8c1d18;font-weight:600} .num{text-align:right;font-variant-numeric:tabular-nums}
.pager{display:flex;gap:16px;justify-content:space-between;align-items:center;margin-top:10px;font-size:14px}
.actions form{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:0}
.actions input[type=text]{width:150px}
.session-decision{margin-top:14px;border-top:1px solid #eceef1;padding-top:12px}
.session-decision .buttons{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px}
.toast{position:fixed;bottom:18px;left:50%;transform:translateX(-50%);background:#1f2328;color:#fff;padding:8px 16px;border-radius:8px;font-size:14px;z-index:30}
.keys{font-size:13px;color:#5b6470;margin-top:18px} kbd{font:12px ui-monospace,monospace;border:1px solid #b8c0ca;border-bottom-width:2px;border-radius:4px;padding:0 5px;background:#fff;color:#1f2328}
.signin{max-width:440px;margin:60px auto} .signin label{display:block;margin:12px 0 4px;font-weight:600} .signin input{width:100%}
.problem{background:#fde2e1;border:1px solid #f1b0ab;color:#8c1d18;border-radius:8px;padding:10px 14px;margin:12px 0}
@media (max-width:640px){table.sessions th:nth-child(3),table.sessions td:nth-child(3),table.sessions th:nth-child(5),table.sessions td:nth-child(5){display:none}}
"""
