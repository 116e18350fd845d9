from django.apps import AppConfig


class SubgroupsConfig(AppConfig):
    name = "subgroups"
    verbose_name = "Subgroups and people"
