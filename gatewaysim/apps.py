from django.apps import AppConfig


class GatewaySimulatorConfig(AppConfig):
    name = "gatewaysim"
    verbose_name = "Payment gateway simulator"
