"""Accounts: registering with a phone number or an email address, the
profile that fills every application, passwords (change, and reset by a
code: portal/recovery.py) and the account's API keys."""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal import recovery
from portal.forms import PasswordChangeForm, ProfileForm, RegistrationForm, ResetFinishForm, ResetStartForm


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
