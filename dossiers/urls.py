from django.urls import path

from dossiers.views import counter, fees, on_the_spot, payments, postal, results, slips

app_name = "counter"
urlpatterns = [
    path("", counter.workspace, name="workspace"),
    path("queue/<slug:slug>/", counter.queue, name="queue"),
    path("queue/<slug:slug>/batch/", counter.queue_batch, name="queue_batch"),
    path("post/papers/", postal.papers, name="post_papers"),
    path("post/handover/", postal.day_list, name="post_handover"),
    path("intake/", counter.intake_start, name="intake_start"),
    path("intake/<str:procedure_code>/", counter.intake, name="intake"),
    path("dossiers/<str:code>/", counter.dossier_detail, name="dossier"),
    path("dossiers/<str:code>/act/", counter.dossier_act, name="act"),
    path("dossiers/<str:code>/exemption/", fees.exemption, name="exemption"),
    path("dossiers/<str:code>/on-the-spot/", on_the_spot.settle, name="on_the_spot"),
    path("dossiers/<str:code>/attachments/", counter.attachment_upload, name="attach"),
    path("dossiers/<str:code>/attachments/<int:pk>/", counter.attachment_download, name="attachment"),
    path("dossiers/<str:code>/post-label/", postal.label, name="post_label"),
    path("dossiers/<str:code>/slips/<int:pk>/", slips.counter_slip, name="slip"),
    path("dossiers/<str:code>/results/<int:pk>/", results.counter_result, name="result"),
    path("dossiers/<str:code>/results/amend/", results.amend_result, name="amend_result"),
    path("dossiers/<str:code>/payments/", payments.record, name="pay"),
    path("dossiers/<str:code>/payments/<str:reference>/receipt/", payments.counter_receipt, name="fee_receipt"),
]
