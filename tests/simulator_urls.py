"""The portal's addresses with the gateway simulator, as PAYMENT_SIMULATOR=true gives them."""

from django.urls import include, path

from portal.urls import urlpatterns as portal

urlpatterns = [*portal, path("gateway-sim/", include("gatewaysim.urls"))]
