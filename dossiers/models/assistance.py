"""Assisted applications: a member of staff, or a volunteer under a member
of staff's account, sends an online application for a citizen who asked for
help (at the kiosk or the counter), with the citizen's consent recorded —
who helped, when, and that the applicant agreed. The counter's dossier page,
the receipt and the API say so."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Assistance(models.Model):
    """Who sent a dossier on the applicant's behalf, with their consent."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="assistance"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Signed in when the application was sent; answers for it."),
    )
    volunteer_name = models.CharField(
        _("volunteer"), max_length=150, blank=True, help_text=_("The volunteer who helped, if not the staff member.")
    )
    applicant_name = models.CharField(_("applicant who agreed"), max_length=150)
    consented_at = models.DateTimeField(_("consent given at"))

    class Meta:
        verbose_name = _("assisted application")
        verbose_name_plural = _("assisted applications")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.helper}"

    @property
    def helper(self) -> str:
        """Who helped, in words: the volunteer with the staff member whose
        account they used, or the staff member."""
        staff = self.staff.get_full_name() or self.staff.get_username()
        if self.volunteer_name:
            return _("%(volunteer)s (volunteer, with %(staff)s)") % {"volunteer": self.volunteer_name, "staff": staff}
        return _("%(staff)s (staff)") % {"staff": staff}
