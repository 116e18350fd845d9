from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("kpis/<int:pk>/", views.kpi_detail, name="kpi-detail"),
    path("kpis/<int:pk>/periods/<int:number>/value/", views.value_edit, name="value-edit"),
]
