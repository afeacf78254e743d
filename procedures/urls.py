from django.urls import path

from procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/checklist/", views.checklist, name="checklist"),
    path("<str:code>/versions/", views.procedure_versions, name="versions"),
]
