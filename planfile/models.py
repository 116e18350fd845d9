"""The plan file's working data: an upload waiting for its preview to be confirmed."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class PendingImportQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Uploads left unconfirmed for longer than PendingImport.MAX_AGE."""
        return self.filter(created_at__lt=(now or timezone.now()) - PendingImport.MAX_AGE)

    def fresh(self, now=None):
        """Uploads still waiting to be confirmed: the rest are as good as deleted."""
        return self.filter(created_at__gte=(now or timezone.now()) - PendingImport.MAX_AGE)


class PendingImport(models.Model):
    """An uploaded plan file waiting for its preview to be confirmed.

    Deleted when the import is confirmed or cancelled, and by the next upload once it is a day old. The
    uploader's session holds only its id; nobody else may confirm it. Working data, not a record: no history.
    """

    MAX_BYTES = 5 * 1024 * 1024
    MAX_AGE = datetime.timedelta(days=1)

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports")
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the content: the preview confirmed is the file.")
    created_at = models.DateTimeField(auto_now_add=True)
    # The preview, checked once at upload and kept as drawn, so that looking at it again does not read the file
    # again; confirming checks the file afresh, against the plan as it is then.
    preview = models.TextField(blank=True, help_text="The preview's HTML, drawn at upload.")
    importable = models.BooleanField(default=False, help_text="The file had no problems at upload.")
    is_update = models.BooleanField(default=False, help_text="The file updates a plan that exists.")

    objects = PendingImportQuerySet.as_manager()

    def __str__(self):
        return f"{self.filename}, uploaded by {self.uploaded_by} at {self.created_at:%Y-%m-%d %H:%M}"
