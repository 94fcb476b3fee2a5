"""Per-frame best match to the session's past (lag >= 3 s) and how distinct that match is, for honest clips
(live) and for loops assembled from them (first half, then the same again, sampled 0-100 ms off phase)."""
import sys, glob, os
import numpy as np, cv2
from interview_integrity.service.replay import sample_frames

def bits(img, w, h):
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    s = cv2.resize(g, (w + 1, h), interpolation=cv2.INTER_AREA).astype(np.int16)
    return (s[:, 1:] > s[:, :-1]).ravel()

def per_frame(seq, w, h, min_lag=3.0):
    hs = [(t, bits(img, w, h)) for t, img in seq]
    out = []
    for i, (t, b) in enumerate(hs):
        past = [(t - tp, int((b != bp).sum())) for tp, bp in hs[:i] if t - tp >= min_lag]
        if len(past) < 5:
            continue
        ds = np.array([d for _, d in past])
        j = int(ds.argmin())
        out.append((t, past[j][0], int(ds[j]), float(np.median(ds) - ds[j])))
    return out

W, H = int(sys.argv[1]), int(sys.argv[2])
for path in sorted(glob.glob("../shared/data/honest/*.mp4")):
    frames10 = list(sample_frames(path, 10.0))
    live = frames10[::2]
    stats = per_frame(live, W, H)
    name = os.path.basename(path)[:28]
    if stats:
        best = np.array([s[2] for s in stats]); margin = np.array([s[3] for s in stats])
        print(f"live {name:28s} n={len(stats):4d} best min {best.min():3d} p5 {np.percentile(best,5):5.1f}  margin max {margin.max():5.1f} p95 {np.percentile(margin,95):5.1f}  both(best<=B&margin>=M) {(np.logical_and(best<=0.06*W*H, margin>=0.15*W*H)).sum()}")
    dur = len(frames10) / 10
    if dur < 9:
        continue
    half = min(int(dur / 2 * 10), 100)
    first = frames10[:half:2]
    for phase in (0, 1):
        again = [(first[-1][0] + 0.2 + (frames10[k][0] - frames10[0][0]), frames10[k][1]) for k in range(phase, half, 2)]
        stats = [s for s in per_frame(first + again, W, H) if s[0] > first[-1][0]]
        best = np.array([s[2] for s in stats]); margin = np.array([s[3] for s in stats])
        print(f"loop{phase} {name:28s} n={len(stats):4d} best med {np.median(best):5.1f} p95 {np.percentile(best,95):5.1f}  margin med {np.median(margin):5.1f} p5 {np.percentile(margin,5):5.1f}  both {(np.logical_and(best<=0.06*W*H, margin>=0.15*W*H)).sum()}")
