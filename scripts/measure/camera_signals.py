"""Measure frame-change and hash statistics on honest clips (live) and on assembled frozen/looped streams."""
import sys, json, glob, os
import numpy as np, cv2
from interview_integrity.service.replay import sample_frames

def gray(img): return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
def thumb(g, size): return cv2.resize(g, size, interpolation=cv2.INTER_AREA).astype(np.float32)

def dhash_bits(g, w, h):
    s = cv2.resize(g, (w + 1, h), interpolation=cv2.INTER_AREA).astype(np.int16)
    return (s[:, 1:] > s[:, :-1]).ravel()

def feats(frames):
    out = []
    prev = None
    for t, img in frames:
        g = gray(img)
        f = {"t": t, "t16": thumb(g, (16, 12)), "t64": thumb(g, (64, 48)), "h64": dhash_bits(g, 8, 8), "h256": dhash_bits(g, 16, 16)}
        if prev is not None:
            f["m16"] = float(np.abs(f["t16"] - prev["t16"]).mean())
            d = np.abs(f["t64"] - prev["t64"])
            f["max64"] = float(d.max()); f["p64"] = float((d > 3).mean())
        out.append(f); prev = f
    return out

honest = sorted(glob.glob("../shared/data/honest/*.mp4"))
res = {}
for path in honest:
    fr = feats(list(sample_frames(path, 5.0)))
    m16 = [f["m16"] for f in fr[1:]]; mx = [f["max64"] for f in fr[1:]]; p = [f["p64"] for f in fr[1:]]
    # longest run of frames with max64 <= x, for several x
    def longest(vals, x):
        best = cur = 0
        for v in vals:
            cur = cur + 1 if v <= x else 0; best = max(best, cur)
        return best / 5.0
    res[os.path.basename(path)] = {"m16_min": min(m16), "m16_p5": float(np.percentile(m16, 5)), "max64_min": min(mx), "max64_p1": float(np.percentile(mx, 1)),
        "p64_min": min(p), "longest_s_max64<=3": longest(mx, 3), "longest_s_max64<=5": longest(mx, 5), "longest_s_m16<=0.3": longest(m16, 0.3)}
    print(os.path.basename(path), json.dumps({k: round(v, 2) for k, v in res[os.path.basename(path)].items()}), flush=True)
