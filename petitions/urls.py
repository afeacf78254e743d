from django.urls import path

from petitions import views

app_name = "petitions"
urlpatterns = [
    path("new/", views.new_case, name="new"),
    path("sent/<str:code>/", views.sent, name="sent"),
    path("track/<str:code>/<str:action>/", views.citizen_act, name="citizen_act"),
    path("switchboard/", views.switchboard, name="switchboard"),
    path("cases/", views.queue, name="queue"),
    path("cases/<str:code>/", views.case_detail, name="case"),
    path("cases/<str:code>/<str:action>/", views.case_act, name="act"),
    path("sms/", views.sms_inbound, name="sms"),
]
