import gc

from django.apps import AppConfig

# The cyclic garbage collector's thresholds once the site is loaded (Python's own: 700, 10, 10). A 600-action page
# makes a few hundred thousand short-lived objects, nearly all freed by reference counting; at 700 allocations
# between collections the collector ran hundreds of times a page, and every tenth collection of the older
# generations walked the hundred thousand objects of the loaded site: about 15 ms of a 100 ms page. Fewer
# collections, and the loaded site set apart (gc.freeze), leave under 5 ms.
GC_THRESHOLDS = (50_000, 20, 20)


class DscbConfig(AppConfig):
    """The project itself: settings, URLs, and the pieces every request passes (health checks, error pages,
    site-wide middleware). It imports from no app of the project; only its settings and URLs name them."""

    name = "dscb"
    verbose_name = "Site"

    def ready(self):
        # What is loaded by now (modules, models, URL patterns) lives as long as the process: the collector
        # need not walk it again. Also shared unchanged between forked processes rather than copied.
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
