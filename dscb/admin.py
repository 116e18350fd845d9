"""The task queue in the admin: failed tasks with their error, and a Retry action."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .admin_widgets import SentInputAdminMixin
from .queue import task_retry

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(SentInputAdminMixin, DBTaskResultAdmin):
    """Tasks: what waits, runs, succeeded or failed; a failed task shows its error and can be run again."""

    list_display = ["task_name", "status", "error", "attempts", "enqueued_at", "started_at", "finished_at"]
    list_filter = ["status", "queue_name"]
    actions = ["retry"]

    @admin.display(description="error")
    def error(self, obj):
        return obj.exception_class_path.rsplit(".", 1)[-1] if obj.exception_class_path else ""

    @admin.display(description="runs")
    def attempts(self, obj):
        return len(obj.worker_ids)

    def has_retry_permission(self, request):
        return request.user.has_perm("django_tasks_database.view_dbtaskresult")

    @admin.action(description="Retry the selected failed tasks", permissions=["retry"])
    def retry(self, request, queryset):
        count = task_retry(result_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} failed task{'s' if count != 1 else ''} queued again.")
