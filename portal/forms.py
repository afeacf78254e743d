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
from portal.phones import clean_id_number, clean_phone, is_phone, normalise_phone


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
    """Citizens sign in with the phone number or email address they
    registered with (staff with a username too): a refusal speaks of those,
    not of a "username" nor of letter case, which a phone number has none of."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The phone number, email or password is not right. Check what you typed and try again, "
            "or set a new password if you have forgotten it."
        ),
    }
    username = forms.CharField(
        label=_("Phone number, email or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )


class ProfileForm(forms.ModelForm):
    """The applicant's details, typed once and reused.

    Signed in, a citizen is told when a phone number or email address is
    another account's: they must fix what they typed. Only someone with an
    account, which itself took a code sent to their phone or address, can
    ask this, one typed number at a time; registering and setting a new
    password tell nobody (portal/accounts.py)."""

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


class RegistrationForm(forms.Form):
    """A new account's details and password. Whether the phone number or
    the email address is already an account's is not said here (nor by the
    model's constraints, which a model form would check): a code sent to it
    decides (portal/accounts.py)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        help_text=_("We text a code to it to make sure it is yours. You sign in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Without a phone number, we email the code to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("phone") or data.get("email")):
            raise forms.ValidationError(_("Enter a phone number or an email address: you sign in with it."))
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            details = self.details()
            future = User(username=details["phone"] or details["email"], **details)
            try:
                password_validation.validate_password(first, future)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def details(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in ("full_name", "phone", "email")}


class CodeForm(forms.Form):
    """A one-time code from a text message (or an email)."""

    code = forms.RegexField(
        label=_("Code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6 digits of the code we texted.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
    )

    def __init__(self, *args, by_email: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_email:
            self.fields["code"].label = _("Code from the email")
            self.fields["code"].error_messages["invalid"] = _("Enter the 6 digits of the code we emailed.")


class NewPasswordForm(forms.Form):
    """Which account wants a new password: its phone number or email address."""

    destination = forms.CharField(
        label=_("Phone number or email of your account"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )

    def clean_destination(self) -> str:
        typed = self.cleaned_data["destination"].strip()
        if "@" in typed:
            return forms.EmailField().clean(typed)
        if is_phone(typed):
            return normalise_phone(typed)
        raise forms.ValidationError(_("Enter the phone number or the email address your account uses."))


class PasswordChangeForm(forms.Form):
    """A new password, with the current one. Saving it ends the other
    sessions and the API keys of the old one (User.save)."""

    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
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

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError(_("This is not your current password."))
        return self.cleaned_data["old_password"]

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        if not self.errors:
            try:
                password_validation.validate_password(data["password1"], self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def save(self) -> None:
        self.user.set_password(self.cleaned_data["password1"])
        self.user.save()


class SecondStepForm(forms.Form):
    code = forms.RegexField(
        label=_("The 6-digit code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your authenticator app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
