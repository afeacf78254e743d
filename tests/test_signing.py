"""Digital signatures: every slip is signed by the office that issued it
(PAdES), checked here by pyHanko's own validator against the development CA;
an office that cannot sign is refused the action before anything changes,
at either door, and told which certificate to renew."""

import datetime as dt
import io
import stat
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dossiers import slips
from dossiers.models import Dossier, DossierEvent, Slip, State
from dossiers.tasks import render_missing_slips
from dossiers.workflow import perform
from portal import signing
from tests.factories import PASSWORD, received_dossier, submitted_online

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.usefixtures("vn_holidays")


def receipt_of(dossier: Dossier) -> bytes:
    return slips.read(slips.ensure_file(dossier.slips.get(kind=Slip.Kind.RECEIPT).pk))


def development_roots(settings):
    from asn1crypto import x509

    return [x509.Certificate.load(signing.development_ca(settings.PDF_SIGNING_KEYS_DIR)[1].public_bytes(_der()))]


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def expire(settings, office) -> None:
    """Give the office a certificate that ran out yesterday."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    signing.issue_development_certificate(
        settings.PDF_SIGNING_KEYS_DIR, office, settings.PDF_SIGNING_PASSPHRASE.encode(), days=399, start=start
    )


@pytest.fixture(autouse=True)
def _own_keys(settings, tmp_path):
    """Each test its own CA and keys: an expired certificate made here must
    not follow the office code into other tests."""
    settings.PDF_SIGNING_KEYS_DIR = tmp_path / "keys"


@pytest.fixture
def office(office_a):
    office_a.authority = "UBND phường Ba Đình"
    office_a.save()
    return office_a


def test_a_receipt_is_signed_by_its_office_and_pyhanko_validates_it(settings, procedure, office, chi):
    dossier = received_dossier(procedure, office, chi, at=dt.datetime(2026, 1, 12, 9, 12, tzinfo=HCM))
    data = receipt_of(dossier)
    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert len(embedded) == 1
    # pyHanko's own validator starts an event loop: in a thread of its own,
    # since a browser test's driver may run one in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        context = ValidationContext(trust_roots=development_roots(settings))
        status = pool.submit(validate_pdf_signature, embedded[0], context).result()
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Phường Ba Đình"
    assert [cert.subject.native["common_name"] for cert in status.validation_path] == [
        "One-stop portal development CA",
        "Phường Ba Đình",
    ]
    assert embedded[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    report = signing.validate(data)
    assert report.valid and report.signer == "Phường Ba Đình" and report.development
    assert report.organisation == "UBND phường Ba Đình"


def test_one_altered_byte_or_an_added_page_breaks_the_signature(procedure, office, chi):
    data = receipt_of(received_dossier(procedure, office, chi))
    altered = bytearray(data)
    altered[len(data) // 3] ^= 0x01
    report = signing.validate(bytes(altered))
    assert not report.valid and report.problem
    appended = signing.validate(data + b"\n1 0 obj\n<< >>\nendobj\n")
    assert not appended.valid and appended.problem


def test_a_stranger_certificate_is_not_trusted(settings, procedure, office, chi, tmp_path):
    dossier = received_dossier(procedure, office, chi)
    data = receipt_of(dossier)
    settings.PDF_SIGNING_KEYS_DIR = tmp_path / "elsewhere"  # another CA altogether
    report = signing.validate(data)
    assert report.signed and report.intact and not report.trusted and not report.valid
    assert "not issued by an authority this portal trusts" in report.problem


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\n", b"not a pdf at all", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF"])
def test_any_bytes_get_a_report_never_an_exception(data):
    report = signing.validate(data)
    assert not report.valid and report.problem


def test_an_expired_certificate_refuses_the_receipt_before_anything_changes(
    settings, client, procedure, office, chi, lan
):
    dossier = submitted_online(procedure, office, lan)
    expire(settings, office)
    events = DossierEvent.objects.count()
    assert client.login(username=chi.username, password=PASSWORD)
    response = client.post(
        f"/counter/dossiers/{dossier.code}/act/", {"action": "receive", "version": dossier.version, "documents": [1]}
    )
    page = response.content.decode()
    assert response.status_code == 503
    assert "The certificate of Phường Ba Đình" in page and "expired on" in page and "renew it" in page
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED and DossierEvent.objects.count() == events
    assert not dossier.slips.exists()


def test_the_api_refuses_it_the_same_way(settings, api, procedure, office, chi, lan):
    dossier = submitted_online(procedure, office, lan)
    expire(settings, office)
    response = api.as_(chi).post(
        f"/api/v1/dossiers/{dossier.code}/transitions/", {"action": "receive", "documents": [1]}, format="json"
    )
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "signing_not_ready" and "expired on" in error["message"]
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_without_the_development_ca_an_office_without_a_key_file_is_told_which_to_install(
    settings, procedure, office, chi, lan
):
    settings.PDF_SIGNING_DEVELOPMENT_CA = False
    dossier = submitted_online(procedure, office, lan)
    with pytest.raises(Exception) as refused:
        perform(dossier, "receive", actor=chi, documents={1})
    assert f"install {office.code}.p12" in str(refused.value)
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUBMITTED


def test_a_wrong_passphrase_is_named_and_the_slip_waits_instead_of_failing(settings, client, procedure, office, chi):
    dossier = received_dossier(procedure, office, chi, at=dt.datetime(2026, 1, 12, 9, 12, tzinfo=HCM))
    slip = dossier.slips.get()
    Slip.objects.filter(pk=slip.pk).update(sha256="", file="")  # the first rendering failed
    # The office's key file is replaced by one locked with another passphrase.
    signing.issue_development_certificate(settings.PDF_SIGNING_KEYS_DIR, office, b"the province's passphrase")
    assert client.login(username=chi.username, password=PASSWORD)
    response = client.get(f"/counter/dossiers/{dossier.code}/slips/{slip.pk}/")
    assert response.status_code == 503 and "check the passphrase" in response.content.decode()
    assert render_missing_slips() == 0 and not Slip.objects.get(pk=slip.pk).sha256
    settings.PDF_SIGNING_PASSPHRASE = "the province's passphrase"
    response = client.get(f"/counter/dossiers/{dossier.code}/slips/{slip.pk}/")
    assert response.status_code == 200 and signing.validate(response.content).valid


def test_key_files_are_for_their_owner_only_and_the_command_names_what_to_renew(settings, office, capsys):
    call_command("signing_keys", "--issue")
    path = settings.PDF_SIGNING_KEYS_DIR / f"{office.code}.p12"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((settings.PDF_SIGNING_KEYS_DIR / "dev-ca.key").stat().st_mode) == 0o600
    expire(settings, office)
    call_command("signing_keys")
    out = capsys.readouterr().out
    assert f"{office.code}" in out and "EXPIRED" in out and "NOT LEGALLY VALID" in out
    call_command("signing_keys", "--renew", office.code)
    assert "days left" in capsys.readouterr().out
    signing.ready(office)  # renewed: no error


def test_the_deploy_check_warns_about_the_development_ca(settings):
    from portal.checks import signatures_are_real

    assert [warning.id for warning in signatures_are_real(None)] == ["portal.W005"]
    settings.PDF_SIGNING_DEVELOPMENT_CA = False
    settings.PDF_SIGNING_PASSPHRASE = ""
    assert [warning.id for warning in signatures_are_real(None)] == ["portal.W006"]


@pytest.fixture
def time_stamp_authority(settings):
    """A time-stamp authority over real HTTP (RFC 3161), its certificate
    issued by the development CA; its address goes in PDF_SIGNING_TSA_URL."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps import DummyTimeStamper

    ca_key, ca_certificate, _path = signing.development_ca(settings.PDF_SIGNING_KEYS_DIR)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test time-stamp authority")]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
    )
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append(self.headers["Content-Type"])
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PDF_SIGNING_TSA_URL = f"http://127.0.0.1:{server.server_port}/tsa"
    yield requests
    server.shutdown()
    server.server_close()


def test_with_a_time_stamp_authority_each_signature_carries_its_time(time_stamp_authority, procedure, office, chi):
    dossier = received_dossier(procedure, office, chi)
    report = signing.validate(receipt_of(dossier))
    assert time_stamp_authority == ["application/timestamp-query"]  # asked once, over HTTP
    assert report.valid and report.timestamped
    assert abs(report.signed_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_an_unreachable_time_stamp_authority_stores_nothing_and_names_the_office(settings, procedure, office, chi):
    settings.PDF_SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # nothing listens there
    dossier = received_dossier(procedure, office, chi)
    slip = dossier.slips.get()
    with pytest.raises(signing.SigningUnavailable, match="Phường Ba Đình could not sign"):
        slips.ensure_file(slip.pk)
    assert not Slip.objects.get(pk=slip.pk).sha256


def test_signing_and_validating_work_inside_a_running_event_loop(procedure, office, chi):
    """An ASGI server or a browser driver runs an event loop in the thread;
    pyHanko's own loop must not collide with it."""
    import asyncio

    pdf = slips.pdf_from_html("<p>Giấy tiếp nhận</p>")

    async def inside():
        return signing.validate(signing.sign(pdf, office, reason="Phiếu tiếp nhận"))

    # A thread of its own, where no other loop runs (a browser test's
    # driver may run one in this thread).
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, inside()).result().valid
