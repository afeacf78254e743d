"""Digital signatures (ký số): every slip and result the portal issues is
signed as PAdES with the issuing office's certificate, and any PDF can be
checked here, by the same rules, on /verify/.

Where the keys are. A signer backend (`PDF_SIGNING_BACKEND`) gives each office's
pyHanko signer and certificate. The one shipped reads a PKCS#12 file per
office, `<PDF_SIGNING_KEYS_DIR>/<office code>.p12`, unlocked by
`PDF_SIGNING_PASSPHRASE`; a hardware token or a province's remote signing
service (PKCS#11) is another backend with the same three methods. The
private key is read from that file or token when signing and is never
stored in the database or written to a log.

The development certificate authority. With `PDF_SIGNING_DEVELOPMENT_CA` on
(the default outside production: see portal/checks.py), the keys folder
holds a "DEVELOPMENT ONLY" CA that issues an office's certificate the first
time the office signs, so the demo and the tests sign out of the box; its
certificates say in their names that they are not legally valid.

Time. With `PDF_SIGNING_TSA_URL` set, each signature carries a time-stamp token
from that authority (PAdES B-T); otherwise the signing time is the one the
portal states (B-B).

`ready(office)` says, cheaply and before an action commits, whether the
office can sign now; `sign` signs; `validate` reads any bytes and never
raises.

The module is long because the development CA, which makes its own keys and
certificates, lives beside the signer it stands in for: split apart, each
half would need the other's file layout.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from portal.models import Office

log = logging.getLogger(__name__)
# pyHanko imports cryptography's DSA key type, which cryptography deprecates;
# nothing here signs with DSA.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")

DEVELOPMENT_MARK = "DEVELOPMENT ONLY - NOT LEGALLY VALID"
CA_NAME = "dev-ca"
# Room kept in the PDF for the signature: certificates and a signature, and a
# time-stamp token when there is one. Saying it spares pyHanko a trial
# signature to measure it.
ROOM = 12_288
ROOM_WITH_TIMESTAMP = 32_768


class SigningUnavailable(Exception):
    """The office cannot sign now. The message says why and which
    certificate to renew or install, for the office."""


@dataclass(frozen=True)
class Validation:
    """What a PDF's signature shows, in plain terms (the last signature when
    there are several)."""

    signed: bool
    intact: bool = False
    trusted: bool = False
    signer: str = ""
    organisation: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    changed_after: bool = False
    development: bool = False
    chain: list[str] = field(default_factory=list)
    problem: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and not self.changed_after


class Backend(Protocol):
    def has(self, office: Office) -> bool:
        """Whether the office's key is installed (without making one)."""

    def certificate(self, office: Office) -> Any:
        """The office's certificate (a `cryptography` x509.Certificate);
        raise SigningUnavailable when there is none."""

    def signer(self, office: Office) -> Any:
        """A pyHanko `Signer` holding the office's key."""

    def trust_roots(self) -> list[Any]:
        """The certificate authorities a signature must chain to
        (asn1crypto certificates)."""


# Signing ----------------------------------------------------------------------


def ready(office: Office, at: dt.datetime | None = None) -> None:
    """Raise SigningUnavailable unless `office` can sign at `at` (now): its
    certificate is there, in force, and its key can be reached."""
    certificate = backend().certificate(office)
    at = at or timezone.now()
    if certificate.not_valid_after_utc <= at:
        raise SigningUnavailable(
            _(
                "The certificate of %(office)s (%(subject)s, serial %(serial)X) expired on %(date)s: "
                "renew it before issuing documents."
            )
            % {
                "office": office.name,
                "subject": certificate.subject.rfc4514_string(),
                "serial": certificate.serial_number,
                "date": f"{timezone.localtime(certificate.not_valid_after_utc):%d/%m/%Y}",
            }
        )
    if certificate.not_valid_before_utc > at:
        raise SigningUnavailable(
            _("The certificate of %(office)s is not yet in force (from %(date)s).")
            % {"office": office.name, "date": f"{timezone.localtime(certificate.not_valid_before_utc):%d/%m/%Y}"}
        )


def sign(pdf: bytes, office: Office, *, reason: str = "") -> bytes:
    """`pdf` signed by `office` (PAdES, SHA-256), as new bytes."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    ready(office)
    signer = backend().signer(office)
    timestamper = _timestamper()
    meta = signers.PdfSignatureMetadata(
        field_name="Signature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=office.locality or office.name,
        name=office.name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    try:
        out = _outside_any_event_loop(
            signers.sign_pdf,
            writer,
            meta,
            signer=signer,
            timestamper=timestamper,
            bytes_reserved=ROOM_WITH_TIMESTAMP if timestamper else ROOM,
        )
    except Exception as error:
        # The reason only, never the key material.
        log.warning("signing failed for office %s: %s", office.code, type(error).__name__)
        raise SigningUnavailable(
            _("%(office)s could not sign: %(error)s") % {"office": office.name, "error": type(error).__name__}
        ) from None
    return out.getvalue()


def _outside_any_event_loop(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Call one of pyHanko's synchronous functions, which start an event
    loop of their own: in a thread of its own when this thread already runs
    one (an ASGI server, a browser driver), where starting a second would fail."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _timestamper():
    url = getattr(settings, "PDF_SIGNING_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


@lru_cache(maxsize=1)
def _backend(path: str) -> Backend:
    return import_string(path)()


def backend() -> Backend:
    return _backend(settings.PDF_SIGNING_BACKEND)


# Validating -------------------------------------------------------------------


def validate(pdf: bytes) -> Validation:
    """The portal's validation report for any bytes: unsigned, altered,
    untrusted or valid; never an exception."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        return Validation(signed=False, problem=_("This file is not a readable PDF."))
    if not signatures:
        return Validation(signed=False, problem=_("This PDF carries no digital signature."))
    try:
        return _report(signatures[-1])
    except Exception as error:
        log.info("validation failed: %s", type(error).__name__)
        return Validation(signed=True, problem=_("The signature could not be read: the file is damaged or altered."))


def _report(embedded: Any) -> Validation:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    context = ValidationContext(trust_roots=backend().trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = _outside_any_event_loop(validate_pdf_signature, embedded, context)
    except SignatureValidationError:
        return Validation(signed=True, problem=_("The signature does not match the document: it was altered."))
    subject = status.signing_cert.subject.native
    chain = [cert.subject.human_friendly for cert in status.validation_path] if status.validation_path else []
    changed_after = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    problem = ""
    if not status.intact:
        problem = _("The document was altered after it was signed.")
    elif changed_after:
        problem = _("Something was added to the document after it was signed.")
    elif not status.valid:
        problem = _("The signature is broken.")
    elif not status.trusted:
        problem = _("The signer's certificate was not issued by an authority this portal trusts.")
    signed_at = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    return Validation(
        signed=True,
        intact=status.intact and status.valid,
        trusted=status.trusted,
        signer=subject.get("common_name", ""),
        organisation=subject.get("organization_name", ""),
        signed_at=signed_at,
        timestamped=status.timestamp_validity is not None,
        changed_after=changed_after,
        development=DEVELOPMENT_MARK in (subject.get("organizational_unit_name") or ""),
        chain=chain,
        problem=problem,
    )


# The PKCS#12 files backend ----------------------------------------------------


class Pkcs12Files:
    """One PKCS#12 file per office in PDF_SIGNING_KEYS_DIR, named by the
    office's code. Trusts PDF_SIGNING_TRUST_ROOTS (PEM files) and, when on, the
    development CA, which also issues a missing office's file."""

    def __init__(self) -> None:
        self._signers: dict[Path, tuple[float, Any, Any]] = {}

    @property
    def folder(self) -> Path:
        return Path(settings.PDF_SIGNING_KEYS_DIR)

    @property
    def passphrase(self) -> bytes:
        return settings.PDF_SIGNING_PASSPHRASE.encode()

    def path(self, office: Office) -> Path:
        return self.folder / f"{office.code}.p12"

    def has(self, office: Office) -> bool:
        return self.path(office).exists()

    def certificate(self, office: Office) -> Any:
        return self._loaded(office)[1]

    def signer(self, office: Office) -> Any:
        return self._loaded(office)[2]

    def trust_roots(self) -> list[Any]:
        from asn1crypto import pem, x509

        roots = []
        files = [Path(name) for name in settings.PDF_SIGNING_TRUST_ROOTS]
        if settings.PDF_SIGNING_DEVELOPMENT_CA:
            files.append(development_ca(self.folder)[2])
        for path in files:
            data = path.read_bytes()
            for _kind, _headers, der in pem.unarmor(data, multiple=True) if pem.detect(data) else [(0, 0, data)]:
                roots.append(x509.Certificate.load(der))
        return roots

    def _loaded(self, office: Office) -> tuple[float, Any, Any]:
        """The office's certificate and signer, read again only when its
        file changes (unlocking a PKCS#12 file takes some 15 ms)."""
        path = self.path(office)
        cached = self._signers.get(path)
        if cached is not None and path.exists() and path.stat().st_mtime == cached[0]:
            return cached
        certificate = self._load(office)
        loaded = (path.stat().st_mtime, certificate, self._simple_signer(path))
        self._signers[path] = loaded
        return loaded

    def _simple_signer(self, path: Path) -> Any:
        from pyhanko.sign.signers import SimpleSigner

        signer = SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=(), passphrase=self.passphrase)
        return signer

    def _load(self, office: Office) -> Any:
        """The office's certificate, its file made first by the development
        CA when that is on."""
        from cryptography.hazmat.primitives.serialization import pkcs12

        path = self.path(office)
        if not path.exists():
            if not settings.PDF_SIGNING_DEVELOPMENT_CA:
                raise SigningUnavailable(
                    _("%(office)s has no signing certificate: install %(file)s in the keys folder.")
                    % {"office": office.name, "file": path.name}
                )
            development_ca(self.folder)
            with _locked(self.folder):
                if not path.exists():
                    issue_development_certificate(self.folder, office, self.passphrase)
        try:
            key, certificate, _others = pkcs12.load_key_and_certificates(path.read_bytes(), self.passphrase)
        except (OSError, ValueError):
            raise SigningUnavailable(
                _("The key file of %(office)s (%(file)s) cannot be opened: check the passphrase.")
                % {"office": office.name, "file": path.name}
            ) from None
        if key is None or certificate is None:
            raise SigningUnavailable(
                _("The key file of %(office)s (%(file)s) holds no key and certificate.")
                % {"office": office.name, "file": path.name}
            )
        return certificate


# The development certificate authority ---------------------------------------


def development_ca(folder: Path) -> tuple[Any, Any, Path]:
    """The development CA's key, certificate and certificate file, made on
    first use (the key stays in the keys folder, readable by its owner)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    key_path, cert_path = folder / f"{CA_NAME}.key", folder / f"{CA_NAME}.pem"
    if not cert_path.exists():
        with _locked(folder):
            if not cert_path.exists():
                _make_development_ca(key_path, cert_path)
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    return key, x509.load_pem_x509_certificate(cert_path.read_bytes()), cert_path


def _make_development_ca(key_path: Path, cert_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "One-stop portal"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEVELOPMENT_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, "One-stop portal development CA"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)


def issue_development_certificate(
    folder: Path, office: Office, passphrase: bytes, *, days: int = 3650, start: dt.datetime | None = None
) -> Path:
    """Issue `office` a development certificate and key as its PKCS#12 file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    ca_key, ca_certificate, _path = development_ca(folder)
    key = ec.generate_private_key(ec.SECP256R1())
    # In force from well before any date the demo's history reaches.
    start = start or dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, (office.authority or office.name)[:64]),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEVELOPMENT_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, office.name[:64]),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_certificate.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    path = folder / f"{office.code}.p12"
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    _write_private(
        path,
        pkcs12.serialize_key_and_certificates(office.code.encode(), key, certificate, [ca_certificate], encryption),
    )
    return path


def _usage(*, cert_sign: bool = False):
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One process at a time makes the keys folder's files."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a file (a key: readable by its owner only) whole or not at all."""
    import os
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.write(handle, data)
    finally:
        os.close(handle)
    os.chmod(temporary, mode)
    os.replace(temporary, path)
