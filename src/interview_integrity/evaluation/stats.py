"""Small-sample statistics for the figures the project reports: counts come with a 95 % interval."""

from __future__ import annotations

import math
from dataclasses import dataclass

_Z95 = 1.959964


@dataclass(frozen=True)
class Proportion:
    """k of n, with its Wilson score interval (sound at small n and at 0 or n, unlike the normal one)."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.hits, self.total)

    def __str__(self) -> str:
        if not self.total:
            return "n/a"
        low, high = self.interval
        return (
            f"{self.hits}/{self.total} = {100 * self.hits / self.total:.1f}% (95% CI {100 * low:.1f}-{100 * high:.1f})"
        )


def wilson(hits: int, total: int, z: float = _Z95) -> tuple[float, float]:
    if total <= 0:
        return 0.0, 1.0
    p = hits / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def poisson_rate_interval(count: int, exposure: float, z: float = _Z95) -> tuple[float, float]:
    """95 % interval of a rate (events per unit of exposure) from a count, by the Wilson-Hilferty
    approximation of the exact (Garwood) interval; good to a few percent from count 0 up."""
    if exposure <= 0:
        return 0.0, math.inf

    def quantile(k: float, zq: float) -> float:
        return k * (1 - 1 / (9 * k) + zq / (3 * math.sqrt(k))) ** 3

    low = 0.0 if count == 0 else quantile(count, -z)
    high = quantile(count + 1, z)
    return low / exposure, high / exposure
