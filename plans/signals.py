"""What plans tells the apps above it, which it may not import.

period_meeting_moved: sent by plans.services.period_meeting_move once a period's Safeguarding Executive meeting
date has moved (in the same transaction), with `period`, `old` and `new` (the dates) and `user`. The meetings app
moves the meeting the period reports to.
"""

from django.dispatch import Signal

period_meeting_moved = Signal()
