"""The portal's addresses, and the bare create under /bench-bare/."""

from django.urls import include, path

from bench.bare.api import router
from portal.urls import urlpatterns as portal_patterns

urlpatterns = [path("bench-bare/", include(router.urls)), *portal_patterns]
