"""Importing a plan file in the browser (upload, preview, confirm) and exporting a plan as a workbook."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from dscb.forms import Form
from plans.access import plan_for_reader
from subgroups.roles import is_board_manager

from .models import PendingImport
from .services import pending_import_preview_keep, pending_import_save, plan_file_preview, plan_import
from .writer import plan_to_xlsx, plan_with_progress_to_xlsx

MAX_UPLOAD = PendingImport.MAX_BYTES
SESSION_KEY = "plan_import"  # the id of the user's PendingImport, never the file
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_manager(user):
    if not is_board_manager(user):
        raise PermissionDenied("Only the board business manager and admins import plans.")


class UploadForm(Form):
    file = forms.FileField(
        label="Plan file",
        help_text="An Excel workbook (.xlsx) or a CSV file in the plan file layout. Nothing changes until you confirm.",
        error_messages={"required": "Choose the plan file to upload"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field("file"), Button("upload", "Upload and preview"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("The plan file must be an Excel workbook (.xlsx) or a CSV file (.csv)")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The plan file must be smaller than 5 MB")
        return upload


@require_http_methods(["GET", "HEAD", "POST"])
def plan_import_upload(request):
    """Upload a plan file; it is kept as a PendingImport until the preview is confirmed, cancelled or replaced."""
    _require_manager(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        pending = pending_import_save(
            user=request.user, filename=upload.name, content=upload.read(), replacing=request.session.get(SESSION_KEY)
        )
        request.session[SESSION_KEY] = pending.pk
        return redirect("planfile:import-preview")
    return render(request, "planfile/import_upload.html", {"form": form})


def _pending_for_uploader(request):
    """The pending upload this session names: None if there is none (or it expired), 404 if it is not the user's."""
    pk = request.session.get(SESSION_KEY)
    pending = None
    if isinstance(pk, int):
        pending = PendingImport.objects.fresh().filter(pk=pk).first()
    if pending is None:
        request.session.pop(SESSION_KEY, None)
        return None
    if pending.uploaded_by_id != request.user.pk:
        raise Http404("No such upload.")
    return pending


def _forget(request, pending):
    pending.delete()
    request.session.pop(SESSION_KEY, None)


@require_http_methods(["GET", "HEAD", "POST"])
def plan_import_preview(request):
    """What the uploaded file would create and change; confirming imports all of it in one transaction."""
    _require_manager(request.user)
    pending = _pending_for_uploader(request)
    if pending is None:
        messages.error(request, "Upload a plan file first.")
        return redirect("planfile:import")
    name, content, sha = pending.filename, bytes(pending.content), pending.sha256
    if request.method == "POST" and "cancel" in request.POST:
        _forget(request, pending)
        messages.success(request, f"Import of {name} cancelled: nothing was changed.")
        return redirect("planfile:import")
    if request.method == "POST":
        if request.POST.get("sha") != sha:
            messages.error(request, "The file changed since the preview; check the preview again before confirming.")
            return redirect("planfile:import-preview")
        result = plan_import(content=content, filename=name, user=request.user)
        if not result.problems:
            _forget(request, pending)
            verb = "updated" if result.is_update else "imported as a draft"
            messages.success(request, f"{result.plan.title} {verb}.")
            return redirect(result.plan)
        # The plan changed since the upload in a way the file no longer fits: the problems as they are now.
        preview, importable, is_update = _preview_html(result, name), False, result.is_update
    else:
        if not pending.preview:
            result = plan_file_preview(content=content, filename=name)
            pending_import_preview_keep(
                pending=pending,
                preview=_preview_html(result, name),
                importable=not result.problems,
                is_update=result.is_update,
            )
        preview, importable, is_update = pending.preview, pending.importable, pending.is_update
    # The preview was drawn by our own template, which escaped every word that came from the file.
    safe_preview = mark_safe(preview)  # noqa: S308 # nosec B308 B703
    context = {
        "preview": safe_preview,
        "importable": importable,
        "is_update": is_update,
        "name": name,
        "sha": sha,
    }
    return render(request, "planfile/import_preview.html", context)


def _preview_html(result, name):
    """The preview as HTML (templates/planfile/_import_preview_body.html), every word of the file escaped."""
    return render_to_string("planfile/_import_preview_body.html", {"result": result, "name": name})


@require_safe
def plan_export(request, slug, with_progress=False):
    """The plan as a plan file (.xlsx), optionally with its progress updates and KPI values."""
    plan = plan_for_reader(request.user, slug)
    content = plan_with_progress_to_xlsx(plan) if with_progress else plan_to_xlsx(plan)
    name = f"plan-{plan.slug}{'-with-progress' if with_progress else ''}.xlsx"
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
