"""What every training run does first, so that the same seed gives the same bytes: one seed, a fixed number
of threads, deterministic kernels, OpenCV on one thread (its own threads would reorder augmentations)."""

from __future__ import annotations

from pathlib import Path

import cv2
import torch


def start(seed: int, threads: int, out: Path) -> None:
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    cv2.setNumThreads(1)
    out.mkdir(parents=True, exist_ok=True)
