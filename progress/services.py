"""Writes of progress's own: a person's choice of how they are reminded of what is due."""

from django.db import transaction

from .models import EmailPreference


@transaction.atomic
def email_preference_set(*, user, weekly_digest):
    """Set whether the person gets a weekly digest in place of each reminder and chaser, kept in its history."""
    preference = EmailPreference.objects.select_for_update().filter(user=user).first() or EmailPreference(user=user)
    if preference.pk is not None and preference.weekly_digest == weekly_digest:
        return preference
    preference.weekly_digest = weekly_digest
    preference._history_user = user
    preference.save()
    return preference
