"""What the background work keeps besides the tasks themselves: the workers' heartbeats and the emails sent."""

from django.db import models


class TaskWorker(models.Model):
    """A worker process (`manage.py run_worker`), and when it last said it was alive.

    A task left running by a worker that has gone silent is run again by another worker (dscb.queue).
    """

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.worker_id} on {self.host or 'unknown host'}"


class SentEmail(models.Model):
    """One email the product sends, by the reason it is sent: the key makes a second send for a reason a no-op.

    The row is made before the email goes out, claimed (sending_since) just before it is handed to the mail
    server, and marked sent once the server accepted it (dscb.mail). A claim with no sent_at is a send that was
    cut off (its worker killed mid-send): the email may or may not have gone, so it is not sent again.
    """

    key = models.CharField(max_length=200, unique=True)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} to {self.to}"

    @property
    def interrupted(self):
        """Handed to the mail server by a run that stopped before it could record the answer."""
        return self.sent_at is None and self.sending_since is not None
