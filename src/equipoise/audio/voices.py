"""Telling two voices apart: spectral features of each stretch of words, clustered in two.

No speaker-embedding model is used (none on PyPI ships its weights and runs without torch or a download;
see docs/audio.md). Instead each *stretch* of words (words of one recogniser segment with no pause of
:data:`GAP` seconds between them, at most :data:`LONGEST` seconds long) is described by the mean of its
mel-frequency cepstral coefficients 1-19 (the shape of the vocal tract, loudness left out) and its
median pitch, and the stretches are clustered into two voices with k-means (weighted by duration,
features standardised, pitch counted :data:`PITCH_WEIGHT` times). A stretch that follows the previous
one with no pause keeps its voice unless it is clearly nearer the other (:data:`SWITCH_MARGIN`).
``SPEAKER_1`` is the voice heard first, ``SPEAKER_2`` the other.

What this cannot do: tell apart two similar voices (same sex and pitch, same microphone) as well as a
trained embedding would; hear more than two people (a third voice joins one of the two); separate
overlapping speech (the recogniser gives one stream of words, so overlaps are not detected).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .decode import RATE, as_float
from .recognise import Word

FRAME, PITCH_FRAME, HOP, NFFT = 400, 640, 160, 512  # 25 ms, 40 ms, 10 ms at 16 kHz
GAP = 0.3
LONGEST = 3.0
PITCH_WEIGHT = 2.0
SWITCH_MARGIN = 0.25
LOWEST_F0, HIGHEST_F0 = 60.0, 400.0
BLOCK = 10 * RATE


@dataclass(frozen=True, slots=True)
class Features:
    """Per 10 ms frame: MFCC 1-19, log pitch (NaN where unvoiced) and log energy."""

    mfcc: np.ndarray
    log_f0: np.ndarray
    energy: np.ndarray


def _mel_bank(n_mels: int = 26, low: float = 80.0, high: float = 7600.0) -> np.ndarray:
    def mel(f: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + f / 700.0)

    edges = 700.0 * (10 ** (np.linspace(mel(np.array(low)), mel(np.array(high)), n_mels + 2) / 2595.0) - 1)
    bins = np.fft.rfftfreq(NFFT, 1 / RATE)
    bank = np.zeros((n_mels, bins.size))
    for m in range(n_mels):
        left, centre, right = edges[m:m + 3]
        rising, falling = (bins - left) / (centre - left), (right - bins) / (right - centre)
        bank[m] = np.clip(np.minimum(rising, falling), 0, None)
    return bank


def features(samples: np.ndarray) -> Features:
    """Frame features of a whole recording, computed ten seconds at a time (bounded memory)."""
    from scipy.fft import dct

    bank, window, pitch_window = _mel_bank(), np.hamming(FRAME), np.hanning(PITCH_FRAME)
    lags = np.arange(int(RATE / HIGHEST_F0), int(RATE / LOWEST_F0) + 1)
    mfccs, pitches, energies = [], [], []
    n_frames = max(0, (len(samples) - FRAME) // HOP + 1)
    for first in range(0, n_frames, BLOCK // HOP):
        count = min(BLOCK // HOP, n_frames - first)
        start = first * HOP
        x = as_float(samples[start:start + (count - 1) * HOP + PITCH_FRAME]).astype(np.float64)
        x = np.pad(x, (0, max(0, (count - 1) * HOP + PITCH_FRAME - len(x))))
        frames = np.lib.stride_tricks.sliding_window_view(x, PITCH_FRAME)[::HOP][:count]
        short = frames[:, :FRAME]
        power = np.abs(np.fft.rfft(short * window, NFFT)) ** 2
        mfccs.append(dct(np.log(power @ bank.T + 1e-10), type=2, norm="ortho", axis=1)[:, 1:20]
                     .astype(np.float32))
        energies.append(np.log(np.sum(short * short, axis=1) + 1e-10))
        spectrum = np.abs(np.fft.rfft(frames * pitch_window, 2 * PITCH_FRAME)) ** 2
        corr = np.fft.irfft(spectrum, axis=1)[:, :PITCH_FRAME]
        corr = corr / np.maximum(corr[:, :1], 1e-12)
        best = np.argmax(corr[:, lags], axis=1)
        voiced = corr[np.arange(count), lags[best]] > 0.45
        pitches.append(np.where(voiced, np.log(RATE / lags[best]), np.nan))
    if not mfccs:
        return Features(np.zeros((0, 19)), np.zeros(0), np.zeros(0))
    return Features(np.concatenate(mfccs), np.concatenate(pitches), np.concatenate(energies))


def stretches(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into stretches: one recogniser segment, no pause of GAP s, at most LONGEST s."""
    groups: list[list[Word]] = []
    for word in words:
        if groups:
            last = groups[-1]
            if (word.segment == last[-1].segment and word.start - last[-1].end < GAP
                    and word.end - last[0].start <= LONGEST):
                last.append(word)
                continue
        groups.append([word])
    return groups


def _describe(frames: Features, start: float, end: float) -> np.ndarray | None:
    first, last = int(start * RATE / HOP), max(int(start * RATE / HOP) + 1, int(end * RATE / HOP))
    energy = frames.energy[first:last]
    if energy.size == 0:
        return None
    loud = energy >= np.percentile(energy, 30)
    mfcc = frames.mfcc[first:last][loud].mean(axis=0)
    pitch = frames.log_f0[first:last]
    pitch = pitch[~np.isnan(pitch)]
    return np.append(mfcc, np.median(pitch) if pitch.size else np.nan)


def _keep_voice_without_pause(groups: list[list[Word]], labels: np.ndarray, distances: np.ndarray) -> None:
    """A stretch cut from the one before only for length (same segment, no pause) keeps its voice unless
    it is clearly nearer the other: a change of speaker with no pause at all is the rarer event."""
    for i in range(1, len(groups)):
        before, here = groups[i - 1][-1], groups[i][0]
        if here.segment != before.segment or here.start - before.end >= GAP or np.isnan(distances[i, 0]):
            continue
        kept, other = distances[i, labels[i - 1]], distances[i, 1 - labels[i - 1]]
        clearly_other = (kept - other) / (kept + other + 1e-9) >= SWITCH_MARGIN
        labels[i] = 1 - labels[i - 1] if clearly_other else labels[i - 1]


def two_voices(samples: np.ndarray, words: Sequence[Word]) -> list[tuple[str, list[Word]]]:
    """Stretches of words in order, each with its voice: ``SPEAKER_1`` (heard first) or ``SPEAKER_2``."""
    from sklearn.cluster import KMeans

    groups = stretches(words)
    if not groups:
        return []
    frames = features(samples)
    rows = [_describe(frames, g[0].start, g[-1].end) for g in groups]
    known = [i for i, row in enumerate(rows) if row is not None]
    labels = np.zeros(len(groups), dtype=int)
    if len(known) >= 2:
        table = np.array([rows[i] for i in known])
        pitch = table[:, -1]
        table[np.isnan(pitch), -1] = np.nanmedian(pitch) if np.any(~np.isnan(pitch)) else 0.0
        spread = table.std(axis=0)
        table = (table - table.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
        table[:, -1] *= PITCH_WEIGHT
        weights = np.array([max(0.05, groups[i][-1].end - groups[i][0].start) for i in known])
        model = KMeans(n_clusters=2, n_init=10, random_state=0).fit(table, sample_weight=weights)
        labels[known] = model.labels_
        distances = np.full((len(groups), 2), np.nan)
        distances[known] = model.transform(table)
        _keep_voice_without_pause(groups, labels, distances)
        # A stretch too short to describe takes the voice of the stretch before it.
        for i in range(len(groups)):
            if rows[i] is None and i > 0:
                labels[i] = labels[i - 1]
    first = labels[0]
    return [("SPEAKER_1" if label == first else "SPEAKER_2", group) for label, group in zip(labels, groups,
                                                                                              strict=True)]
