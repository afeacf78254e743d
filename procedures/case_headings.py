"""The headings of a procedure's document list that recur across the
national catalogue ("Trường hợp ủy quyền thực hiện thủ tục", "Giấy tờ phải
nộp", "Thành phần hồ sơ"…), in the reader's language. Any other heading is
the procedure's own text, shown in Vietnamese as the catalogue publishes it.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from procedures.search import fold

# Folded (no diacritics, lower case), without a closing colon or "gồm".
_KNOWN = {
    "giay to phai nop": _("Documents to hand in"),
    "giay to phai xuat trinh": _("Documents to show at the counter"),
    "giay to phai xuat trinh de kiem tra": _("Documents to show at the counter"),
    "thanh phan ho so": _("Documents"),
    "ho so": _("Documents"),
    "truong hop uy quyen thuc hien thu tuc": _("If someone else applies on your behalf"),
    "truong hop uy quyen": _("If someone else applies on your behalf"),
    "nop truc tiep": _("Applying in person"),
    "nop theo phuong thuc dien tu": _("Applying online"),
    "nop qua dich vu buu chinh": _("Applying by post"),
    "truong hop dang ky tren moi truong dien tu": _("Applying online"),
    "ho so cua nguoi nhan con nuoi": _("Documents of the person adopting"),
    "ho so cua nguoi duoc nhan lam con nuoi": _("Documents of the person being adopted"),
}
_TAIL = re.compile(r"(\s+gom)?\s*[:.]?\s*$")


def translated(case_name: str) -> str:
    """The heading in the reader's language when it is one of the recurring
    ones; "" when it is the procedure's own text."""
    key = _TAIL.sub("", fold(case_name).strip())
    heading = _KNOWN.get(key)
    return str(heading) if heading else ""
