"""What the logs may keep of a request: its path, never its query string.

The query string can carry what a log must not hold: the last digits of a
phone number (GET /api/v1/track/?phone_last4=), a slip's check code
(/verify/…?k=), a search for a person's name. The development server's
request log (`django.server`) goes through this filter; in production the
web server's access log is configured the same way (README, "Deploying").
Django's own request logger (`django.request`) writes only the path.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s]*")


class WithoutQueryStrings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (_QUERY.sub("", record.args[0], count=1), *record.args[1:])
        return True
