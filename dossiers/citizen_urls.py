from django.urls import path

from dossiers.views import apply, citizen, slips

app_name = "citizen"
urlpatterns = [
    path("apply/<str:code>/", apply.start, name="apply"),
    path("applications/<int:pk>/submit/", apply.submit, name="submit"),
    path("applications/<int:pk>/discard/", apply.discard, name="discard"),
    path("applications/<int:pk>/files/<int:file_pk>/remove/", apply.remove_file, name="remove_file"),
    path("applications/<int:pk>/<slug:name>/", apply.step, name="step"),
    path("my/", citizen.my_dossiers, name="my_dossiers"),
    path("my/dossiers/<str:code>/", citizen.dossier_detail, name="dossier"),
    path("my/dossiers/<str:code>/submitted/", citizen.submitted, name="submitted"),
    path("my/dossiers/<str:code>/supplement/", citizen.supplement_file, name="supplement_file"),
    path("my/dossiers/<str:code>/supplement/send/", citizen.supplement_send, name="supplement_send"),
    path("my/dossiers/<str:code>/withdraw/", citizen.withdraw, name="withdraw"),
    path("my/dossiers/<str:code>/rate/", citizen.rate, name="rate"),
    path("my/dossiers/<str:code>/feedback/", citizen.send_feedback, name="feedback"),
    path("my/dossiers/<str:code>/slips/<int:pk>/", slips.citizen_slip, name="slip"),
    path("track/", citizen.track, name="track"),
    path("births/<str:token>/", citizen.life_event, name="life_event"),
]
