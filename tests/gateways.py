"""Stand-ins for real gateways: classes that a production setting may name
(no console, no memory backend of the portal's own), which keep what they
were given so that a test can look."""


class SmsGateway:
    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        SmsGateway.sent.append((phone, text))


class BrokenGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("the gateway did not answer")
