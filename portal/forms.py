"""Citizen accounts: registering with a phone number or an email address,
signing in with either, and the profile that fills every application."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.auth import locked_message
from portal.models import User
from portal.phones import clean_id_number, clean_phone


class SaysWhenLocked:
    """A sign-in form that says so when the lockout refused it, instead of
    "wrong password"."""

    request: object

    def clean(self):
        try:
            return super().clean()  # type: ignore[misc]
        except ValidationError:
            wait = getattr(self.request, "sign_in_retry_after", 0)
            if wait:
                raise ValidationError(locked_message(wait), code="locked") from None
            raise


class SignInForm(SaysWhenLocked, AuthenticationForm):
    username = forms.CharField(
        label=_("Phone number, email or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )


class ProfileForm(forms.ModelForm):
    """The applicant's details, typed once and reused."""

    class Meta:
        model = User
        fields = ["full_name", "phone", "email", "id_number", "address"]
        labels = {"full_name": _("Full name"), "phone": _("Phone number"), "email": _("Email")}
        help_texts = {
            "phone": _("You can sign in with it. The counter texts you about your dossiers."),
            "id_number": _(
                "Citizen identity card: 12 digits (9 on an old card); Thai ID card: 13 digits; or a passport number."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True

    def clean_phone(self) -> str:
        phone = clean_phone(self.cleaned_data["phone"])
        if phone and User.objects.exclude(pk=self.instance.pk).filter(phone=phone).exists():
            raise forms.ValidationError(_("An account with this phone number already exists. Sign in instead."))
        return phone

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email and User.objects.exclude(pk=self.instance.pk).filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists. Sign in instead."))
        return email

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("phone") or data.get("email")):
            raise forms.ValidationError(_("Enter a phone number or an email address: you sign in with it."))
        return data


class RegistrationForm(ProfileForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    class Meta(ProfileForm.Meta):
        fields = ["full_name", "phone", "email"]

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            self.instance.username = self.username()
            try:
                password_validation.validate_password(first, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def username(self) -> str:
        """The phone number, or the email address, names the account; a
        number an older account gave up gets a suffix."""
        base = self.cleaned_data.get("phone") or self.cleaned_data.get("email", "").lower()
        name, suffix = base, 1
        while User.objects.filter(username=name).exists():
            suffix += 1
            name = f"{base}.{suffix}"
        return name

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.username = self.username()
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class ResetStartForm(forms.Form):
    identifier = forms.CharField(
        label=_("Phone number, email or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class ResetFinishForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class PasswordChangeForm(ResetFinishForm):
    """The current password instead of a code."""

    code = None  # type: ignore[assignment]
    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["old_password", "password1", "password2"]

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("This is not your current password."))
        return self.cleaned_data["old_password"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                password_validation.validate_password(data["password1"], self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SecondStepForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
