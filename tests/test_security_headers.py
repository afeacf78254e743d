"""What every answer tells the browser: no script or style but the portal's
own files, no camera or location, no referrer to other sites, and nothing
personal kept in the cache of a shared computer or a kiosk in a commune
hall."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.workflow import perform
from tests.factories import PDF, received_dossier, submitted_online

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'; object-src 'none'"
)
PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

pytestmark = pytest.mark.django_db


def assert_kept_nowhere(response):
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def assert_everywhere(response):
    assert response["Permissions-Policy"] == PERMISSIONS
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_a_public_page_runs_only_the_portals_own_files_and_may_be_cached(client, procedure):
    for url in ("/", "/procedures/", procedure.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == POLICY
        assert_everywhere(response)
        assert "no-store" not in response.get("Cache-Control", ""), url


def test_every_answer_to_someone_signed_in_is_kept_nowhere(client, lan, procedure):
    client.force_login(lan)
    for url in ("/", "/procedures/", "/my/", "/accounts/profile/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY
        assert_everywhere(response)
        assert_kept_nowhere(response)


def test_pages_that_may_show_personal_data_are_kept_nowhere_even_anonymous(client, procedure, office_a, chi):
    dossier = received_dossier(procedure, office_a, chi)
    for response in (
        client.post("/track/", {"code": dossier.code, "phone_last4": dossier.applicant_phone[-4:]}),
        client.get(f"/verify/{dossier.code}/", {"k": "ABCD-2345"}),
        client.get("/accounts/login/"),
        client.get("/accounts/register/"),
        client.get("/counter/"),
    ):
        assert_kept_nowhere(response)
        assert_everywhere(response)


def test_an_api_answer_is_data_and_kept_nowhere_unless_it_is_the_public_catalogue(api, lan, procedure):
    catalogue = api.get("/api/v1/procedures/")
    assert catalogue.status_code == 200
    assert catalogue["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "no-store" not in catalogue.get("Cache-Control", "")
    assert_everywhere(catalogue)
    mine = api.as_(lan).get("/api/v1/dossiers/")
    assert mine.status_code == 200
    assert_kept_nowhere(mine)
    assert_everywhere(mine)
    # Signed in by key, even the catalogue is not kept.
    assert_kept_nowhere(api.as_(lan).get("/api/v1/procedures/"))
    assert_kept_nowhere(api.get("/api/v1/track/", {"code": "X", "phone_last4": "1234"}))


def test_files_and_slips_are_kept_nowhere(client, procedure, office_a, chi, lan, settings, tmp_path, vn_holidays):
    settings.MEDIA_ROOT = tmp_path
    dossier = submitted_online(procedure, office_a, lan)
    client.force_login(chi)
    url = f"/counter/dossiers/{dossier.code}/attachments/"
    client.post(url, {"document": dossier.documents.get(position=1).pk, "file": SimpleUploadedFile("a.pdf", PDF)})
    scan = client.get(f"{url}{dossier.attachments.get().pk}/")
    assert scan.status_code == 200 and scan["Content-Type"] == "application/pdf"
    assert_kept_nowhere(scan)
    assert_everywhere(scan)
    assert b"".join(scan.streaming_content) == PDF  # read to the end, as a browser does: the file closes

    dossier.documents.filter(position=1).update(is_received=True)
    perform(dossier, "receive", actor=chi)
    client.force_login(lan)
    slip = client.get(f"/my/dossiers/{dossier.code}/slips/{dossier.slips.get().pk}/")
    assert slip.content.startswith(b"%PDF-")
    assert_kept_nowhere(slip)
    assert_everywhere(slip)


def test_only_the_api_docs_allow_an_inline_style_and_none_allows_an_inline_script(client):
    docs = client.get("/api/docs/")
    assert docs["Content-Security-Policy"] == POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    assert "<script>" not in docs.content.decode()
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


class Inline(HTMLParser):
    """Whatever the policy would block in a page: a script without a source,
    an event handler attribute, a style attribute or element."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append(self.get_starttag_text())
        if tag == "style" or "style" in names or any(name.startswith("on") for name in names):
            self.found.append(self.get_starttag_text())


def inline_in(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


def test_no_template_holds_an_inline_script_or_style():
    # The slips are PDF, drawn by WeasyPrint: never a page in a browser.
    pages = [path for path in TEMPLATES.rglob("*.html") if "slips" not in path.parts]
    assert len(pages) > 30
    for path in pages:
        text = re.sub(r"{%.*?%}|{{.*?}}", "x", path.read_text())
        assert inline_in(text) == [], path


def test_the_main_pages_as_served_hold_no_inline_script_or_style(client, procedure, lan, chi, tuan, settings):
    assert inline_in("<script>alert(1)</script><p style='x'><b onclick='y'>") != []
    pages = {None: ["/", "/procedures/", procedure.get_absolute_url(), f"/procedures/{procedure.code}/checklist/"]}
    pages[None] += ["/track/", "/accounts/login/", "/accounts/register/", "/verify/X/"]
    pages[lan] = ["/my/", "/accounts/profile/", f"/apply/{procedure.code}/"]
    pages[chi] = ["/counter/"]
    pages[tuan] = ["/reports/", "/admin/"]
    for user, urls in pages.items():
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code in (200, 404), url
            assert inline_in(response.content.decode()) == [], url
    client.get("/kiosk/")
    page = client.get("/procedures/").content.decode()
    assert 'src="/static/js/kiosk.js"' in page and 'data-idle-seconds="120"' in page
    assert inline_in(page) == []
