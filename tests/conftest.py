"""Shared test settings.

Hypothesis's per-example deadline is a timing check: on a loaded CI machine the
first example (which loads the data) can exceed it. Speed is measured by the
benchmarks, not by the tests, so no test has a deadline.
"""

from hypothesis import settings

settings.register_profile("jalert-sim", deadline=None)
settings.load_profile("jalert-sim")
