"""Temperature scaling and the expected calibration error, on synthetic scores with a known answer."""

from __future__ import annotations

import numpy as np

from equipoise.label.calibration import expected_calibration_error, fit_temperature, softmax


def synthetic(temperature: float, n: int = 20000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits whose labels are drawn from softmax(logits / temperature): that temperature is the true one."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, size=(n, 3))
    proba = softmax(logits / temperature)
    gold = np.array([rng.choice(3, p=p) for p in proba])
    return logits, gold


def test_the_fitted_temperature_recovers_the_true_one() -> None:
    logits, gold = synthetic(2.5)
    assert abs(fit_temperature(logits, gold) - 2.5) < 0.2


def test_calibration_lowers_the_error_of_overconfident_scores() -> None:
    logits, gold = synthetic(3.0)
    t = fit_temperature(logits, gold)
    assert expected_calibration_error(logits / t, gold) < 0.02 < expected_calibration_error(logits, gold)


def test_empty_input_is_neutral() -> None:
    assert fit_temperature(np.zeros((0, 2)), np.zeros(0, dtype=int)) == 1.0
    assert expected_calibration_error(np.zeros((0, 2)), np.zeros(0, dtype=int)) == 0.0
