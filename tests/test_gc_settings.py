"""The loaded site is set apart from the cyclic garbage collector, which runs less often (dscb.apps)."""

import gc

from dscb.apps import GC_THRESHOLDS


def test_collector_thresholds_and_frozen_site():
    assert gc.get_threshold() == GC_THRESHOLDS
    # Django's own modules and the project's models were loaded before the site was ready.
    assert gc.get_freeze_count() > 10_000
