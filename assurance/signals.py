"""The inspection map's demo data is added when the plan's demo is loaded (planfile.signals.demo_loaded)."""

from django.dispatch import receiver

from planfile.signals import demo_loaded

from .demo import demo_assurance_load


@receiver(demo_loaded)
def demo_assurance(sender, *, plan, users, **kwargs):
    demo_assurance_load(plan=plan, manager=users["manager"])
