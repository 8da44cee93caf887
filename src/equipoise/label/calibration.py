"""Probability calibration of the labeller's heads: temperature scaling (Guo et al. 2017) and the expected
calibration error (ECE, 10 equal-width confidence bins).

A head's scores are divided by one temperature T > 0 before the softmax; T is fitted on out-of-fold scores
by minimising the negative log-likelihood, so ranking (and so every label) is unchanged and only the stated
probability moves.

>>> import numpy as np
>>> logits = np.array([[4.0, 0.0], [4.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
>>> gold = np.array([0, 1, 0, 1])
>>> 1.0 < fit_temperature(logits, gold)
True
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    z = logits - logits.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def _nll(logits: np.ndarray, gold: np.ndarray, temperature: float) -> float:
    z = logits / temperature
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(gold)), gold].mean())


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature in [0.05, 20] that minimises the negative log-likelihood of ``gold``."""
    from scipy.optimize import minimize_scalar

    if len(gold) == 0:
        return 1.0
    found = minimize_scalar(lambda log_t: _nll(logits, gold, float(np.exp(log_t))),
                            bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(found.x))


def expected_calibration_error(logits: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """ECE of the top-class probability: the mean |accuracy - confidence| over bins, weighted by size."""
    if len(gold) == 0:
        return 0.0
    proba = softmax(np.asarray(logits, dtype=np.float64))
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)
