"""Accounts: registering with a phone number or an email address (proved by
a code sent to it), a new password by the same proof, and the profile that
fills every application. The rules live in portal/accounts.py."""

import time

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal import accounts, limits, two_factor
from portal.auth import account_key, locked_message, staff_only
from portal.clients import client_address
from portal.codes import Waiting
from portal.forms import (
    CodeForm,
    NewPasswordForm,
    PasswordChangeForm,
    ProfileForm,
    RegistrationForm,
    SecondStepForm,
    SignInForm,
)
from portal.models import User

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
        if two_factor.asks(user):
            # The second step is still to come: a code sent to a phone opens no session of its own.
            messages.success(request, _("Your new password is saved. Sign in with it."))
            return redirect("login")
        login(request, user, backend=BACKEND)
        messages.success(request, _("Your new password is saved, and you are signed in."))
        return redirect("citizen:my_dossiers")
    return render(request, "registration/new_password_set.html", {"form": form})


def csrf_failure(request, reason=""):
    """A form refused because it did not come from a page the portal had just
    shown (CSRF_FAILURE_VIEW): most often a page left open past its session,
    or cookies refused. Said in the reader's language, with where to go."""
    return render(request, "403_csrf.html", status=403)


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


# Passwords and keys -----------------------------------------------------------


@login_required
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, request.user)
        messages.success(
            request, _("Your password is changed. Your API keys were revoked; other devices are signed out.")
        )
        return redirect("profile")
    return render(request, "registration/password_change.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def api_keys(request):
    """The account's API keys, each revocable."""
    if request.method == "POST":
        chosen = request.POST.get("revoke", "")
        revoked, _count = request.user.api_tokens.filter(pk=int(chosen) if chosen.isdigit() else 0).delete()
        if revoked:
            messages.success(request, _("The key is revoked: nothing can use it any more."))
        return redirect("api_keys")
    keys = request.user.api_tokens.order_by("-created_at")
    return render(request, "registration/api_keys.html", {"keys": keys, "now": timezone.now()})


# Two-step sign-in ----------------------------------------------------------------

_PENDING_SECONDS = 300


class SignInView(LoginView):
    """The password; then, for those who sign in in two steps, the code
    (`second_step`) before any session is theirs."""

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.asks(user):
            return super().form_valid(form)
        self.request.session["second_step"] = {
            "user": user.pk,
            "backend": user.backend,
            "until": time.time() + _PENDING_SECONDS,
            "next": self.get_success_url(),
        }
        return redirect("second_step")


def second_step(request):
    pending = request.session.get("second_step")
    if not pending or pending["until"] < time.time():
        request.session.pop("second_step", None)
        return redirect("login")
    user = User.objects.get(pk=pending["user"])
    setting_up = not two_factor.enabled(user)
    if setting_up:
        request.session.setdefault("second_step_secret", two_factor.new_secret())
    secret = request.session.get("second_step_secret") if setting_up else None
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = limits.SIGN_IN_ACCOUNT.retry_after(account_key(user, ""))
        if wait:
            request.session.pop("second_step", None)
            messages.error(request, locked_message(wait))
            return redirect("login")
        if two_factor.check(user, form.cleaned_data["code"], secret=secret):
            request.session.pop("second_step_secret", None)
            del request.session["second_step"]
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        form.add_error("code", _("That code is wrong or already used. Wait for the next one and try again."))
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context.update(secret=secret, qr_code=two_factor.qr_code(user, secret))
    return render(request, "registration/second_step.html", context, status=400 if form.errors else 200)


@staff_only
def two_step_settings(request):
    """Staff choose two-step sign-in (or turn it off, where their role does
    not require it), confirming with a code from the app either way."""
    user = request.user
    turning_on = not two_factor.enabled(user)
    if turning_on:
        request.session.setdefault("second_step_secret", two_factor.new_secret())
    secret = request.session.get("second_step_secret") if turning_on else None
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.check(user, form.cleaned_data["code"], secret=secret):
            if turning_on:
                request.session.pop("second_step_secret", None)
                messages.success(request, _("Two-step sign-in is on: you will be asked for a code each time."))
            elif not two_factor.required_for(user):
                user.totp_secret = ""
                user.save(update_fields=["totp_secret"])
                messages.success(request, _("Two-step sign-in is off."))
            return redirect("profile")
        form.add_error("code", _("That code is wrong or already used. Wait for the next one and try again."))
    context = {"form": form, "turning_on": turning_on, "required": two_factor.required_for(user)}
    if turning_on:
        context.update(secret=secret, qr_code=two_factor.qr_code(user, secret))
    return render(request, "registration/two_step_settings.html", context, status=400 if form.errors else 200)
