from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("my/", views.my_work, name="my-work"),
    path("my/emails/", views.email_preference, name="email-preference"),
    path("my/emails/log/", views.email_log, name="email-log"),
    path("my/kpis/<int:pk>/periods/<int:number>/value/", views.kpi_value_in_place, name="kpi-value-in-place"),
]
