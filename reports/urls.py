from django.urls import path

from reports import statement_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sectors/", views.sectors, name="sectors"),
    path("dossiers/", views.drill_down, name="dossiers"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("delays/", views.delays, name="delays"),
    path("quality/", views.quality_index, name="quality"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("line/", views.feedback_line, name="line"),
    path("export.<str:fmt>", views.export, name="export"),
    path("register.<str:fmt>", views.register, name="register"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("statements/", statement_views.choose, name="statements"),
    path("statements/<str:office_code>/<str:day>/", statement_views.statement, name="statement"),
    path(
        "statements/<str:office_code>/<str:day>/statement.<str:fmt>",
        statement_views.statement_file,
        name="statement_file",
    ),
]
