"""A replay is a stretch whose frames match, at ONE fixed lag, the session's earlier frames much more closely
than the stream moves between its own consecutive frames. Prototype on honest clips and assembled loops."""
import sys, glob, os
import numpy as np, cv2
from interview_integrity.service.replay import sample_frames

W, H = int(sys.argv[1]), int(sys.argv[2])
K = int(sys.argv[3]) if len(sys.argv) > 3 else 15
RATIO = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
MIN_MOTION = float(sys.argv[5]) if len(sys.argv) > 5 else 3.0

def bits(img):
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    s = cv2.resize(g, (W + 1, H), interpolation=cv2.INTER_AREA).astype(np.int16)
    return (s[:, 1:] > s[:, :-1]).ravel()

def flags(seq, min_lag=3.0):
    ts = np.array([t for t, _ in seq]); hs = np.array([bits(img) for _, img in seq])
    out = []
    for i in range(K, len(seq)):
        t = ts[i]
        past = np.where(t - ts[:i] >= min_lag)[0]
        if len(past) < 5:
            out.append((t, False, None)); continue
        d = (hs[past] != hs[i]).sum(1)
        cands = past[np.argsort(d)[:6]]
        hit = None
        for j in cands:
            lag = t - ts[j]
            match = motion = 0.0; ok = True
            for k in range(i - K + 1, i + 1):
                target = ts[k] - lag
                m = int(np.argmin(np.abs(ts[:k] - target))) if k > 0 else 0
                if abs(ts[m] - target) > 0.11 or ts[k] - ts[m] < min_lag:
                    ok = False; break
                match += (hs[k] != hs[m]).sum(); motion += (hs[k] != hs[k - 1]).sum()
            if ok and motion >= MIN_MOTION * K and match <= RATIO * motion:
                hit = (round(lag, 1), match / K, motion / K); break
        out.append((t, hit is not None, hit))
    return out

tot_live = 0
for path in sorted(glob.glob("../shared/data/honest/*.mp4")):
    frames10 = list(sample_frames(path, 10.0))
    name = os.path.basename(path)[:28]
    live = flags(frames10[::2])
    n = sum(f for _, f, _ in live); tot_live += n
    ex = next((h for _, f, h in live if f), None)
    line = f"{name:28s} live flagged {n:3d}/{len(live):4d} {ex}"
    dur = len(frames10) / 10
    if dur >= 9:
        half = min(int(dur / 2 * 10), 100)
        first = frames10[:half:2]
        for phase in (0, 1):
            again = [(first[-1][0] + 0.2 + (frames10[k][0] - frames10[0][0]), frames10[k][1]) for k in range(phase, half, 2)]
            res = [r for r in flags(first + again) if r[0] > first[-1][0]]
            lead = next((r[0] - first[-1][0] for r in res if r[1]), None)
            line += f" | loop{phase} flagged {sum(f for _, f, _ in res):2d}/{len(res):2d} first at {lead}"
    print(line, flush=True)
print("live total flagged", tot_live)
