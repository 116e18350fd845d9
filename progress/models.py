"""How each person is told of what is due from them: the reminders and chasers one by one, or a weekly digest."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class EmailPreference(models.Model):
    """A person's choice between single reminder emails and a weekly digest; what is due is never switched off."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    weekly_digest = models.BooleanField(
        default=False, help_text="One email a week listing everything due, in place of each reminder and chaser."
    )
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.user}: {'weekly digest' if self.weekly_digest else 'single emails'}"
