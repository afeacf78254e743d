from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        # The search index drops itself when the catalogue changes.
        from procedures import search_index  # noqa: F401
