"""Accounts: registering with a phone number or an email address, the
profile that fills every application, passwords (change, and reset by a
code: portal/recovery.py) and the account's API keys."""

import time

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal import limits, recovery, two_factor
from portal.auth import account_key, locked_message, staff_only
from portal.forms import (
    PasswordChangeForm,
    ProfileForm,
    RegistrationForm,
    ResetFinishForm,
    ResetStartForm,
    SecondStepForm,
    SignInForm,
)
from portal.models import User


def register(request):
    """A citizen account, with a phone number or an email address."""
    if request.user.is_authenticated:
        return redirect("citizen:my_dossiers")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Someone registered the same phone or email a moment before.
            form.add_error(
                None, _("An account with this phone number or email address already exists. Sign in instead.")
            )
            return render(request, "registration/register.html", {"form": form, "next": _next(request)}, status=400)
        login(request, user, backend="portal.auth.RoleBackend")
        messages.success(request, _("Your account is ready. Your details will fill in your applications."))
        return redirect(_next(request) or "citizen:my_dossiers")
    return render(request, "registration/register.html", {"form": form, "next": _next(request)})


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


def reset_start(request):
    """Forgot your password? The same answer whether or not there is an account."""
    form = ResetStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery.send_code(form.cleaned_data["identifier"])
        except recovery.RecoveryError as error:
            form.add_error("identifier", str(error))
            return render(request, "registration/reset_start.html", {"form": form}, status=429)
        request.session["reset_identifier"] = form.cleaned_data["identifier"].strip()
        return redirect("password_reset_finish")
    return render(request, "registration/reset_start.html", {"form": form}, status=400 if form.errors else 200)


def reset_finish(request):
    identifier = request.session.get("reset_identifier")
    if not identifier:
        return redirect("password_reset")
    form = ResetFinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery.reset_password(identifier, form.cleaned_data["code"], form.cleaned_data["password1"])
        except recovery.RecoveryError as error:
            form.add_error("code", str(error))
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            del request.session["reset_identifier"]
            messages.success(request, _("Your new password is set. Sign in with it."))
            return redirect("login")
    context = {"form": form, "identifier": identifier}
    return render(request, "registration/reset_finish.html", context, status=400 if form.errors else 200)


@login_required
def change_password(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        recovery.set_password(request.user, form.cleaned_data["password1"])
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
