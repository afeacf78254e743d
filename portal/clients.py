"""Who is asking: the client's address as every limit counts it.

Behind a reverse proxy REMOTE_ADDR is the proxy, so every citizen of a
town would share one address and one limit. The proxies in front of the
portal are trusted by number (TRUSTED_PROXY_COUNT) and by the header they
write (TRUSTED_PROXY_HEADER, X-Forwarded-For by default): each appends the
address it received the request from, so the client is the entry that
many places from the end. Entries further left were written by the client
and prove nothing; with no trusted proxy the header is ignored, so a
forged X-Forwarded-For buys an attacker a fresh limit nowhere.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-min(count, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
