"""Accounts: registering with a phone number or an email address, and the
profile that fills every application."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from portal.forms import ProfileForm, RegistrationForm


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
