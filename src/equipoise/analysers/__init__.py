"""The dimension analysers of the power model (DESIGN §1), one small pure module per dimension.

>>> from equipoise.analysers import registry
>>> len(registry.names()), registry.names()[0]
(8, 'floor')
"""

from __future__ import annotations

from .base import REQUIREMENTS, Analyser, BaseAnalyser, Config, DimensionResult

__all__ = ["REQUIREMENTS", "Analyser", "BaseAnalyser", "Config", "DimensionResult"]
