"""Accounts: registering with a phone number or an email address (proved by
a code sent to it), a new password by the same proof, and the profile that
fills every application. The rules live in portal/accounts.py."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal import accounts
from portal.clients import client_address
from portal.codes import Waiting
from portal.forms import CodeForm, NewPasswordForm, ProfileForm, RegistrationForm

BACKEND = "portal.auth.RoleBackend"


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register(request):
    """A citizen account, with a phone number or an email address: first
    the details, then the code sent to the phone (or the address)."""
    if request.user.is_authenticated:
        return redirect("citizen:my_dossiers")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = make_password(form.cleaned_data["password1"])
        try:
            accounts.start_registration(
                request.session, form.details(), password, address=client_address(request), next_url=_next(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("register_code")
    return render(request, "registration/register.html", {"form": form, "next": _next(request)})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def register_code(request):
    waiting = Waiting.load(request.session, accounts.REGISTRATION)
    if waiting is None or request.user.is_authenticated:
        return redirect("register")
    form = _code_form(request, waiting)
    if request.POST.get("action") == "send":
        return _send_again(request, waiting, "register_code")
    if form.is_bound and form.is_valid():
        try:
            user = accounts.finish_registration(request.session, waiting, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready. Your details will fill in your applications."))
            return redirect(waiting.data["next"] or "citizen:my_dossiers")
    context = {
        "form": form,
        "waiting": waiting,
        "title": _("Enter the code to create your account"),
        "button": _("Create the account"),
        "start_again": "register",
    }
    return render(request, "registration/code.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def new_password(request):
    """Forgotten password: the account's phone number or email address."""
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.start_new_password(
                request.session, form.cleaned_data["destination"], address=client_address(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("new_password_code")
    return render(request, "registration/new_password.html", {"form": form})


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def new_password_code(request):
    waiting = Waiting.load(request.session, accounts.NEW_PASSWORD)
    if waiting is None:
        return redirect("new_password")
    form = _code_form(request, waiting)
    if request.POST.get("action") == "send":
        return _send_again(request, waiting, "new_password_code")
    if form.is_bound and form.is_valid():
        try:
            waiting.enter(request.session, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return redirect("new_password_set")
    context = {
        "form": form,
        "waiting": waiting,
        "title": _("Enter the code to set a new password"),
        "button": _("Continue"),
        "start_again": "new_password",
    }
    return render(request, "registration/code.html", context, status=400 if form.errors else 200)


@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def new_password_set(request):
    user = accounts.account_proven(request.session)
    if user is None:
        messages.error(request, _("This code is no longer valid: ask for a new one."))
        return redirect("new_password")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        accounts.password_set(request.session, user)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Your new password is saved, and you are signed in."))
        return redirect("citizen:my_dossiers")
    return render(request, "registration/new_password_set.html", {"form": form})


def _code_form(request, waiting: Waiting) -> CodeForm:
    bound = request.method == "POST" and request.POST.get("action") != "send"
    return CodeForm(request.POST if bound else None, by_email=waiting.by_email)


def _send_again(request, waiting: Waiting, page: str):
    try:
        accounts.send_again(request.session, waiting, address=client_address(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("We sent a new code to %(where)s.") % {"where": waiting.masked_destination})
    return redirect(page)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details are saved."))
        return redirect(_next(request) or "profile")
    return render(request, "registration/profile.html", {"form": form, "next": _next(request)})


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if allowed else ""
