"""The reviewer's pages' one stylesheet (inline in each page: the report is a single file)."""

CSS = """
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328;margin:0;background:#f6f7f9}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
.muted{color:#5b6470} .card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px;margin:12px 0}
.verdict{display:inline-block;color:#fff;border-radius:6px;padding:4px 10px;font-weight:600;font-size:16px}
.reason{font-size:17px;margin:10px 0 4px}
.live{background:#fff4e5;border:1px solid #f0c27a;color:#6b3d00;border-radius:8px;padding:10px 14px;margin:12px 0}
.live b::before{content:"";display:inline-block;width:9px;height:9px;border-radius:50%;background:#d9534f;margin-right:6px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:7px 8px;border-bottom:1px solid #eceef1;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#5b6470}
.sev{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.dismissed{color:#8a939e} .dismissed .what{text-decoration:line-through}
.tag{font-size:12px;border-radius:4px;padding:1px 6px;background:#eceef1;white-space:nowrap}
.tag.confirmed{background:#fde2e1;color:#8c1d18} .tag.dismissed{background:#e3e6ea;color:#3d4550}
.eid{font:600 12px ui-monospace,monospace;background:#eef2ff;color:#283593;border-radius:4px;padding:1px 5px}
code{font-size:12px;background:#f2f4f7;border-radius:4px;padding:1px 4px}
.measured{font-size:13px;color:#5b6470}
.decided{font-size:13px;margin-top:4px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px}
figure{margin:0} figcaption{font-size:13px;color:#5b6470}
.shot{display:block;position:relative;max-width:480px}
.frame{position:relative;display:block;line-height:0}
.frame img{width:100%;border-radius:6px;border:1px solid #dde1e6}
.frame svg{position:absolute;inset:0;width:100%;height:100%;pointer-events:none}
.crop{display:inline-block;width:160px;margin-top:6px;border:2px solid #d9534f;border-radius:4px}
.zoom{display:none}
.zoom:target{display:block;position:fixed;inset:0;background:#101317;z-index:20;overflow:auto;padding:16px;color:#fff}
.zoom .head{display:flex;gap:16px;align-items:center;justify-content:space-between;margin-bottom:10px}
.zoom a{color:#9ec1ff} .zoom .close{font-weight:600;font-size:16px}
.zoom .full{display:inline-block;position:relative;line-height:0;max-width:none}
.zoom .full img{border:0;border-radius:0;width:auto;max-width:none}
.zoom .crops{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start;margin-top:12px}
.zoom .crop-full{width:min(100%,480px);border:2px solid #ff8a80;image-rendering:auto}
.zoom ul{font-size:14px;line-height:1.6}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:10px}
.stat b{display:block;font-size:20px}
.bar{height:8px;background:#eceef1;border-radius:4px;overflow:hidden;margin-top:4px} .bar span{display:block;height:8px;background:#3b5bdb}
.checks li{margin:2px 0}
.legend{font-size:13px}
.note{font-size:13px;color:#5b6470;margin:6px 0 0}
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
  a{color:#000;text-decoration:none} .noprint,.zoom,.actions{display:none !important}
  figure{break-inside:avoid} .shot{max-width:320px}
  details > *{display:block}
}
"""
