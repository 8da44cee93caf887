"""The shared-power closeness variants: the flat one is the shipped closeness, the peaks peak where they say,
and the index and the paired bootstrap read the sessions as documented."""

from __future__ import annotations

import numpy as np
import pytest

from equipoise.summary import closeness
from research.shared_power_variants import VARIANTS, flat, index, paired_bootstrap

REFERENCE = np.linspace(-0.5, 0.3, 41)


@pytest.mark.parametrize("lean", [-1.0, -0.6, -0.42, 0.0, 0.22, 0.5, 1.0])
def test_flat_is_the_shipped_closeness(lean: float) -> None:
    low, high = np.percentile(REFERENCE, [10, 90])
    assert flat(lean, REFERENCE) == pytest.approx(closeness(lean, (float(low), float(high))))


def test_the_peaks_are_1_at_their_centre_and_fall_on_both_sides() -> None:
    median = float(np.median(REFERENCE))
    peak = VARIANTS["median_peak"]
    assert peak(median, REFERENCE) == pytest.approx(1.0)
    assert peak(median - 0.2, REFERENCE) < 1.0 and peak(median + 0.2, REFERENCE) < 1.0
    assert flat(median - 0.2, REFERENCE) == 1.0  # inside the range the shipped closeness is flat


def test_the_index_separates_sessions_near_the_good_ones_and_the_bootstrap_is_paired() -> None:
    y = np.array([1] * 8 + [0] * 4)
    groups = np.array([f"v{k}" for k in range(12)])
    lean = np.array([-0.1, 0.0, 0.1, -0.05, 0.05, 0.0, -0.1, 0.1, 0.9, 0.8, -0.9, 0.95])
    scores = index({"d": lean}, {"d": 1.0}, y, groups, VARIANTS["median_peak"], leave_video_out=True)
    assert scores[:8].min() > scores[8:].max()
    low, mid, high, above = paired_bootstrap(y, groups, scores, scores, n=50)
    assert low == mid == high == 0.0 and above == 0.0
