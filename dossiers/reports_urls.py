from django.urls import path

from dossiers.views import feedback, reports

app_name = "reports"
urlpatterns = [
    path("", reports.dashboard, name="dashboard"),
    path("sectors/", reports.sectors, name="sectors"),
    path("dossiers/", reports.drill_down, name="dossiers"),
    path("at-risk/", reports.at_risk, name="at_risk"),
    path("delays/", reports.delays, name="delays"),
    path("export.<str:fmt>", reports.export, name="export"),
    path("register.<str:fmt>", reports.register, name="register"),
    path("feedback/", feedback.feedback_list, name="feedback"),
    path("feedback/<int:pk>/answer/", feedback.answer, name="answer"),
]
