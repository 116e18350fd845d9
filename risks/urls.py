from django.urls import path, register_converter

from . import edit_views, views
from .converters import RiskReferenceConverter

register_converter(RiskReferenceConverter, "risk")

app_name = "risks"
urlpatterns = [
    path("risks/", views.register, name="risk-list"),
    path("risks/export.xlsx", views.register_export, name="risk-export"),
    path("risks/heat-map/", views.heat_map, name="heat-map"),
    path("risks/new/", edit_views.risk_add, name="risk-add"),
    path("risks/<risk:reference>/", views.risk_detail, name="risk-detail"),
    path("risks/<risk:reference>/edit/", edit_views.risk_edit, name="risk-edit"),
    path("risks/<risk:reference>/controls/new/", edit_views.control_add, name="control-add"),
    path("risks/<risk:reference>/controls/<int:pk>/edit/", edit_views.control_edit, name="control-edit"),
    path("risks/<risk:reference>/reviews/new/", edit_views.review_add, name="review-add"),
    path("risks/<risk:reference>/escalation/", edit_views.escalation, name="risk-escalation"),
    path("risks/<risk:reference>/close/", edit_views.risk_close, name="risk-close"),
]
