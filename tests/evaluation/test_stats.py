from __future__ import annotations

import pytest

from interview_integrity.evaluation.stats import Proportion, poisson_rate_interval, wilson


def test_wilson_matches_published_values() -> None:
    # Newcombe (1998), table I: 81/263 -> 0.2553-0.3662; 0/10 -> 0-0.2775
    assert wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-4)
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=5e-4)
    assert wilson(10, 10)[1] == pytest.approx(1.0)


def test_a_proportion_prints_its_interval() -> None:
    assert str(Proportion(9, 10)) == "9/10 = 90.0% (95% CI 59.6-98.2)"
    assert str(Proportion(0, 0)) == "n/a"


def test_poisson_interval_is_close_to_the_exact_one() -> None:
    # exact (Garwood) 95 % limits: 0 events -> (0, 3.689); 5 events -> (1.623, 11.668)
    assert poisson_rate_interval(0, 1.0) == pytest.approx((0.0, 3.689), rel=0.02)
    assert poisson_rate_interval(5, 2.0) == pytest.approx((1.623 / 2, 11.668 / 2), rel=0.02)
