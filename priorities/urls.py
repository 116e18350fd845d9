from django.urls import path

from plans import converters  # noqa: F401 - registers <plan:slug>

from . import views

app_name = "priorities"
urlpatterns = [
    path("plans/<plan:slug>/", views.plan_detail, name="plan-detail"),
    path("actions/<int:pk>/", views.action_detail, name="action-detail"),
    path("actions/<int:pk>/periods/<int:number>/update/", views.update_edit, name="update-edit"),
    path("actions/<int:pk>/periods/<int:number>/return/", views.update_return_view, name="update-return"),
]
