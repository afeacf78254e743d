"""The bare create: a ModelSerializer of every field and a ModelViewSet,
under the portal's REST settings (the same authentication, permission and
throttle classes)."""

from rest_framework import routers, serializers, viewsets

from bench.bare.models import Application


class ApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Application
        fields = "__all__"


class ApplicationViewSet(viewsets.ModelViewSet):
    queryset = Application.objects.all()
    serializer_class = ApplicationSerializer


router = routers.SimpleRouter()
router.register("applications", ApplicationViewSet, basename="bare-application")
