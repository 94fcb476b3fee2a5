"""The largest local change between consecutive frames (max abs diff of 32x24 grey thumbnails) on honest clips,
and on frozen copies: the same frame again as a JPEG, and with H.264-like noise (re-encoded at q=60)."""
import sys, glob, os
import numpy as np, cv2
from interview_integrity.service.replay import sample_frames

def thumb(img):
    return cv2.resize(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), (32, 24), interpolation=cv2.INTER_AREA).astype(np.int16)

def reenc(img, q):
    return cv2.imdecode(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1], cv2.IMREAD_COLOR)

lows = []
for path in sorted(glob.glob("../shared/data/honest/*.mp4")):
    frames = [img for _, img in sample_frames(path, 5.0)]
    th = [thumb(f) for f in frames]
    mx = [int(np.abs(a - b).max()) for a, b in zip(th, th[1:])]
    run = best = 0
    for v in mx:
        run = run + 1 if v <= 2 else 0; best = max(best, run)
    still = frames[len(frames) // 2]
    noisy = [int(np.abs(thumb(reenc(still, q)) - thumb(reenc(still, q2))).max()) for q, q2 in ((90, 90), (60, 85), (40, 70))]
    sensor = [int(np.abs(thumb(reenc(np.clip(still + np.random.default_rng(i).normal(0, 2, still.shape), 0, 255).astype(np.uint8), 80)) - thumb(reenc(still, 80))).max()) for i in range(3)]
    lows.append(min(mx))
    print(f"{os.path.basename(path)[:30]:30s} live max32 min {min(mx):3d} p1 {np.percentile(mx, 1):5.1f}  longest run <=2: {best / 5:.1f} s   frozen re-encoded: {noisy}  +sensor noise: {sensor}", flush=True)
print("live minimum over all clips:", min(lows))
