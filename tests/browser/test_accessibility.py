"""Every page a citizen uses, read by axe-core (the accessibility engine
screen-reader testers use) on a phone-sized screen in Vietnamese and Thai,
and in English for a few: no serious or critical failure of the WCAG 2.0,
2.1 and 2.2 A and AA rules. Beside axe, what it cannot judge: one main
heading per page, the page's language declared as the one shown, no id
given to two elements, no sideways scrolling on the phone, and the keyboard
reaching a form in the order it is read.

axe-core is vendored under tests/browser/vendor/axe-core/ (version and
licence there) and injected before each page loads, so nothing is fetched
and the portal's Content-Security-Policy stays as it is."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect

from citizens.models import Draft
from dossiers.workflow import perform
from tests.factories import BIRTH_DECLARATION, PDF, applicant, submitted_online
from tests.test_checklists import imported

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("vn_holidays")]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
SITUATION = {"abandoned-child": "no", "on-behalf": "no", "surrogacy": "no"}


@dataclass
class Portal:
    """The addresses of a citizen's pages, each filled with something to show."""

    base: str
    birth: str
    draft: int
    sent: str
    returned: str
    supplement: str
    session: str

    def url(self, path: str) -> str:
        return self.base + path.format(
            birth=self.birth, draft=self.draft, sent=self.sent, returned=self.returned, supplement=self.supplement
        )


@pytest.fixture
def portal(live_server, office_a, lan, chi, son, hoa) -> Portal:
    """Lan, signed in, with a birth registration she is filling in (every
    step answered, a file uploaded), a dossier she sent that waits for the
    counter, one the counter asks her to complete, and one whose result she
    has collected."""
    lan.phone, lan.id_number, lan.address = "0912345678", "001195012345", "Số 1 phố Hàng Bạc, phường Hoàn Kiếm"
    lan.save()
    birth = imported("1.001193")["1.001193"]
    client = Client()
    client.force_login(lan)
    client.post(f"/apply/{birth.code}/")
    draft = Draft.objects.get()
    steps = f"/applications/{draft.pk}"
    client.post(f"{steps}/office/", {"office": office_a.pk})
    client.post(f"{steps}/applicant/", {**applicant(id_number="001195012345"), "remember": ""})
    client.post(f"{steps}/situation/", SITUATION)
    client.post(f"{steps}/declaration/", BIRTH_DECLARATION)
    certificate = next(d for d in Draft.objects.get(pk=draft.pk).documents() if d.name.startswith("Giấy chứng sinh"))
    client.post(
        f"{steps}/documents/",
        {"position": certificate.position, "file": SimpleUploadedFile("giay-chung-sinh.pdf", PDF)},
    )
    client.post(f"{steps}/delivery/", {"delivery": "counter"})

    answers = {key: False for key in SITUATION}
    sent = submitted_online(birth, office_a, lan, answers=answers)
    returned = submitted_online(birth, office_a, lan, answers=answers)
    returned = perform(returned, "receive", actor=chi, documents={d.position for d in returned.documents.all()})
    for action, actor in (("appraise", son), ("approve", hoa), ("stamp", chi), ("return", chi)):
        returned = perform(returned, action, actor=actor)
    everything = {d.position for d in returned.documents.all()}
    supplement = perform(
        submitted_online(birth, office_a, lan, answers=answers), "receive", actor=chi, documents=everything
    )
    supplement = perform(supplement, "request_supplement", actor=son, note="Bổ sung ảnh chân dung 4x6")
    return Portal(
        base=live_server.url,
        birth=birth.code,
        draft=draft.pk,
        sent=sent.code,
        returned=returned.code,
        supplement=supplement.code,
        session=client.cookies["sessionid"].value,
    )


@pytest.fixture
def contexts(live_server):
    """Opens a page at phone size in a browser of its own, asking for one
    language, axe loaded before the page's own content; all closed before the
    test server stops."""
    opened: list[BrowserContext] = []

    def open_page(browser: Browser, portal: Portal, language: str, *, signed_in: bool) -> Page:
        context = browser.new_context(locale=language, viewport=PHONE)
        opened.append(context)
        context.add_init_script(path=str(AXE))
        if signed_in:
            context.add_cookies([{"name": "sessionid", "value": portal.session, "url": portal.base}])
        return context.new_page()

    yield open_page
    for context in opened:
        context.close()


# Each page: its name, its address, whether Lan is signed in, and what is done
# on it before it is read (a search typed, a form sent, a section opened).
PAGES = [
    ("home", "/", False, None),
    ("search results", "/procedures/?q=khai+sinh", False, None),
    ("search, nothing found", "/procedures/?q=zzzqqq", False, None),
    ("procedure", "/procedures/{birth}/", False, None),
    ("checklist", "/procedures/{birth}/checklist/", False, None),
    ("track a dossier", "/track/", False, None),
    ("track a dossier, found", "/track/", False, "track"),
    ("track a dossier, nothing matches", "/track/", False, "track a wrong code"),
    ("register", "/accounts/register/", False, None),
    ("register, nothing filled in", "/accounts/register/", False, "send empty"),
    ("sign in", "/accounts/login/", False, None),
    ("sign in, wrong password", "/accounts/login/", False, "sign in wrongly"),
    ("my dossiers", "/my/", True, None),
    ("a dossier", "/my/dossiers/{sent}/", True, None),
    ("a dossier, supplement asked", "/my/dossiers/{supplement}/", True, None),
    ("apply: start", "/apply/{birth}/", True, None),
    ("apply: counter", "/applications/{draft}/office/", True, None),
    ("apply: applicant", "/applications/{draft}/applicant/", True, None),
    ("apply: applicant, nothing filled in", "/applications/{draft}/applicant/", True, "send empty"),
    ("apply: situation", "/applications/{draft}/situation/", True, None),
    ("apply: declaration", "/applications/{draft}/declaration/", True, None),
    ("apply: declaration, nothing filled in", "/applications/{draft}/declaration/", True, "send empty"),
    ("apply: documents", "/applications/{draft}/documents/", True, None),
    ("apply: delivery", "/applications/{draft}/delivery/", True, None),
    ("apply: check your answers", "/applications/{draft}/check/", True, None),
    ("apply: submitted", "/my/dossiers/{sent}/submitted/", True, None),
    ("feedback and rating", "/my/dossiers/{returned}/", True, "open feedback"),
    ("withdraw", "/my/dossiers/{sent}/withdraw/", True, None),
    ("withdraw, no reason given", "/my/dossiers/{sent}/withdraw/", True, "send empty"),
]
ENGLISH = {
    "home",
    "search results",
    "procedure",
    "sign in, wrong password",
    "apply: applicant",
    "apply: check your answers",
}


def prepare(page: Page, portal: Portal, action: str | None) -> None:
    if action in ("track", "track a wrong code"):
        page.locator("#id_code").fill(portal.sent)
        page.locator("#id_phone_last4").fill("5678" if action == "track" else "0000")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("main .state").count() == (1 if action == "track" else 0)
    elif action == "sign in wrongly":
        page.locator("main input[name=username]").fill("lan")
        page.locator("main input[name=password]").fill("not-her-password")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    elif action == "send empty":
        form = page.locator("main form").last
        form.evaluate(
            """form => form.querySelectorAll('input:not([type=hidden]), textarea').forEach(field => {
                 if (field.type === 'radio' || field.type === 'checkbox') field.checked = false; else field.value = '';
               })"""
        )
        form.locator("button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1
    elif action == "open feedback":
        page.locator("main details summary").first.click()


def serious_violations(page: Page) -> list[str]:
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_A_AA,
    )
    return [
        f"{violation['id']} ({violation['impact']}) at {node['target']}: {violation['help']}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def findings(page: Page, language: str) -> list[str]:
    """What a reader of this page would trip over, in plain lines."""
    problems = serious_violations(page)
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{headings} h1 headings, not exactly one")
    lang = page.locator("html").get_attribute("lang")
    if lang != language:
        problems.append(f'<html lang="{lang}"> on a page shown in {language}')
    # axe 4.7 and later leave duplicate ids out of the WCAG rules (2.2 dropped
    # 4.1.1), yet a label or an error link pointing at a shared id reaches
    # only the first of the fields.
    shared = page.evaluate(
        """() => Object.entries([...document.querySelectorAll('[id]')].reduce(
             (count, el) => ({...count, [el.id]: (count[el.id] || 0) + 1}), {}))
           .filter(([id, n]) => n > 1).map(([id]) => id)"""
    )
    problems += [f'id="{id_}" on more than one element' for id_ in shared]
    # Reflow (WCAG 1.4.10): nothing makes the phone scroll sideways; a wide
    # table scrolls in its own box.
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"the page is {width}px wide on a {PHONE['width']}px screen")
    return problems


def check_pages(browser: Browser, portal: Portal, contexts, language: str, names) -> None:
    problems = []
    for name, path, signed_in, action in PAGES:
        if name not in names:
            continue
        page = contexts(browser, portal, language, signed_in=signed_in)
        response = page.goto(portal.url(path))
        assert response is not None and response.ok, f"{name}: {response and response.status}"
        prepare(page, portal, action)
        if name == "search results":
            assert page.locator(f"main a[href='/procedures/{portal.birth}/']").count() == 1
        problems += [f"{name}: {problem}" for problem in findings(page, language)]
        page.context.close()
    assert not problems, f"{len(problems)} problems in {language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", ["vi", "th"])
def test_every_citizen_page_reads_well_with_assistive_technology(browser: Browser, portal, contexts, language):
    check_pages(browser, portal, contexts, language, {name for name, *_ in PAGES})


def test_a_few_pages_in_english_too(browser: Browser, portal, contexts):
    check_pages(browser, portal, contexts, "en", ENGLISH)


def tab_order(page: Page, presses: int) -> list[dict]:
    """Where the keyboard goes, press after press: each element and its place."""
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(
            page.evaluate(
                """() => {
                  const el = document.activeElement, box = el.getBoundingClientRect();
                  return {id: el.id, tag: el.tagName, href: el.getAttribute('href'),
                          inMain: !!el.closest('main'), top: box.top + window.scrollY};
                }"""
            )
        )
    return stops


def test_the_keyboard_reaches_a_form_in_reading_order(browser: Browser, portal, contexts):
    """The applicant's details sent with the ID number missing: the page
    opens with the focus on the summary of what is wrong, and the keyboard
    goes from there to its link, then to the fields from top to bottom, as
    they are read."""
    page = contexts(browser, portal, "vi", signed_in=True)
    page.goto(portal.url("/applications/{draft}/applicant/"))
    page.locator("#id_id_number").fill("")
    page.locator("main form button[type=submit]:not([name=save_and_leave])").last.click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    expect(page.locator("#error-summary")).to_be_focused()
    # From the summary to the end of the page's main part (then the footer).
    stops = list(itertools.takewhile(lambda stop: stop["inMain"], tab_order(page, 25)))
    assert stops[0]["href"] == "#id_id_number", stops
    fields = [stop["id"] for stop in stops if stop["tag"] in ("INPUT", "SELECT", "TEXTAREA")]
    assert fields[:5] == ["id_name", "id_id_number", "id_phone", "id_email", "id_address"], fields
    tops = [stop["top"] for stop in stops]
    assert tops == sorted(tops), [(stop["id"] or stop["href"], stop["top"]) for stop in stops]
