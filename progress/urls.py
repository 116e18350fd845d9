from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("my/", views.my_work, name="my-work"),
]
