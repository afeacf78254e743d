from django.urls import path

from citizens.views import apply, dossiers, feedback

app_name = "citizen"
urlpatterns = [
    path("apply/<str:code>/", apply.start, name="apply"),
    path("apply/<str:code>/on-behalf/", apply.assisted, name="apply_assisted"),
    path("applications/<int:pk>/submit/", apply.submit, name="submit"),
    path("applications/<int:pk>/discard/", apply.discard, name="discard"),
    path("applications/<int:pk>/keep/", apply.keep, name="keep"),
    path("applications/<int:pk>/<slug:name>/", apply.step, name="step"),
    path("my/", dossiers.my_dossiers, name="my_dossiers"),
    path("my/dossiers/<str:code>/", dossiers.dossier_detail, name="dossier"),
    path("my/dossiers/<str:code>/submitted/", dossiers.submitted, name="submitted"),
    path("my/dossiers/<str:code>/supplement/", dossiers.supplement_file, name="supplement_file"),
    path("my/dossiers/<str:code>/supplement/send/", dossiers.supplement_send, name="supplement_send"),
    path("my/dossiers/<str:code>/withdraw/", dossiers.withdraw, name="withdraw"),
    path("my/dossiers/<str:code>/pay/", dossiers.pay, name="pay"),
    path("my/dossiers/<str:code>/payments/<str:reference>/receipt/", dossiers.fee_receipt, name="fee_receipt"),
    path("my/dossiers/<str:code>/rate/", dossiers.rate, name="rate"),
    path("my/dossiers/<str:code>/feedback/", dossiers.send_feedback, name="feedback"),
    path("my/dossiers/<str:code>/slips/<int:pk>/", dossiers.slip, name="slip"),
    path("my/dossiers/<str:code>/results/<int:pk>/", dossiers.result, name="result"),
    path("my/dossiers/<str:code>/files/<int:pk>/", dossiers.attachment, name="attachment"),
    path("track/", dossiers.track, name="track"),
    path("births/<str:token>/", dossiers.life_event, name="life_event"),
    # What citizens said, for the supervisors who answer it.
    path("reports/feedback/", feedback.feedback_list, name="feedback_list"),
    path("reports/feedback/<int:pk>/answer/", feedback.answer, name="answer"),
]
