from django.apps import AppConfig


class DscbConfig(AppConfig):
    """The project itself: settings, URLs, and the pieces every request passes (health checks, error pages,
    site-wide middleware). It imports from no app of the project; only its settings and URLs name them."""

    name = "dscb"
    verbose_name = "Site"
