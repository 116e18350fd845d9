"""What the demo tells the apps above planfile, which it may not import.

demo_loaded: sent by planfile.demo.demo_load once the plan and every register below planfile have their demo
data, with `plan` and `users` (the demo accounts by role). An app above (the inspection map) adds its own demo
data from those rows; it must be safe to receive twice.
"""

from django.dispatch import Signal

demo_loaded = Signal()
