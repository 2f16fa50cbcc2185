"""Hypothesis profiles for the property tests.

`ci` (the default) is derandomized: every run tries the same examples, so CI is never red by
chance; `thorough` explores new random examples (HYPOTHESIS_PROFILE=thorough pytest tests/property).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=2000, derandomize=True, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
