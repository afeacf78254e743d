from django.urls import path

from gatewaysim import views

app_name = "gatewaysim"
urlpatterns = [
    path("paymentv2/vpcpay.html", views.pay, name="pay"),
    path("paymentv2/choose/", views.choose, name="choose"),
    path("merchant_webapi/api/transaction", views.transaction, name="transaction"),
    path("merchant_webapi/settlement.csv", views.settlement, name="settlement"),
]
