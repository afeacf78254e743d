"""A local stand-in for a VNPay 2.1.0 payment gateway, for development,
demonstrations and tests: installed only with PAYMENT_SIMULATOR=true.

It checks the merchant's signed redirect like the real gateway (the
merchants and their secrets come from settings.PAYMENT_MERCHANTS, as the
real gateway knows its merchants), shows the order and lets the tester
choose what happens:
- *success*: the notification (IPN) goes to the portal at once, and the
  citizen returns with a signed success;
- *failure*: the same, with a failed payment (code 24, cancelled);
- *late*: the citizen returns with a success, and the notification comes
  PAYMENT_SIMULATOR_LATE_SECONDS later;
- *timeout*: nothing comes back; a query (querydr) answers "not finished".
It also gives a merchant's settlement file for a day (`settlement`): the
transactions it settled that day, in the adapter's CSV layout
(dossiers/settlements.py), as the real gateway's merchant site does.
Notifications are sent over real HTTP from a thread, to
PAYMENT_SIMULATOR_IPN_URL, and retried twice when the portal does not
answer 00 or 02, as the real gateway retries. Orders live in the cache.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dossiers import gateways, settlements

logger = logging.getLogger("gatewaysim")
OUTCOMES = ("success", "failure", "late", "timeout")
# The notification threads started, for a test to wait on.
SENDERS: list[threading.Thread] = []
KEEP_SECONDS = 24 * 3600


def _key(reference: str) -> str:
    return f"gatewaysim:{reference}"


def _day_key(merchant_code: str, day: str) -> str:
    return f"gatewaysim:day:{merchant_code}:{day}"


def _settled(merchant_code: str, pay_date: str, reference: str) -> None:
    """Keep the order in its merchant's day, for the settlement file."""
    key = _day_key(merchant_code, pay_date[:8])
    references = cache.get(key) or []
    if reference not in references:
        cache.set(key, [*references, reference], KEEP_SECONDS * 7)


@require_GET
def pay(request):
    params = request.GET.dict()
    merchant = gateways.merchant_by_code(params.get("vnp_TmnCode", ""))
    if merchant is None or not gateways.has_valid_signature(merchant.secret, params):
        # VNPay shows "Sai chữ ký" (code 70) and goes no further.
        return render(request, "gatewaysim/error.html", {"code": "70"}, status=400)
    amount = gateways.amount_of(params)
    if amount is None or not params.get("vnp_TxnRef") or not params.get("vnp_ReturnUrl"):
        return render(request, "gatewaysim/error.html", {"code": "03"}, status=400)
    order = cache.get(_key(params["vnp_TxnRef"])) or {"request": params, "status": "01", "result": None}
    cache.set(_key(params["vnp_TxnRef"]), order, KEEP_SECONDS)
    return render(request, "gatewaysim/pay.html", {"params": params, "amount": amount, "outcomes": OUTCOMES})


@require_POST
def choose(request):
    reference = request.POST.get("reference", "")
    outcome = request.POST.get("outcome", "")
    order = cache.get(_key(reference))
    if order is None or outcome not in OUTCOMES:
        return HttpResponseBadRequest("unknown order or outcome")
    asked = order["request"]
    merchant = gateways.merchant_by_code(asked["vnp_TmnCode"])
    if merchant is None:
        return HttpResponseBadRequest("unknown merchant")
    if outcome == "timeout":
        cache.set(_key(reference), {**order, "status": "01"}, KEEP_SECONDS)
        return render(request, "gatewaysim/timeout.html", {"params": asked})
    success = outcome in ("success", "late")
    result = {
        "vnp_Amount": asked["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": f"VNP{secrets.randbelow(10**8):08d}",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": asked.get("vnp_OrderInfo", ""),
        "vnp_PayDate": gateways.gateway_time(timezone.now()),
        "vnp_ResponseCode": "00" if success else "24",
        "vnp_TmnCode": asked["vnp_TmnCode"],
        "vnp_TransactionNo": f"{secrets.randbelow(10**8):08d}",
        "vnp_TransactionStatus": "00" if success else "02",
        "vnp_TxnRef": reference,
    }
    signed = gateways.sign_params(merchant.secret, result)
    cache.set(_key(reference), {**order, "status": result["vnp_TransactionStatus"], "result": signed}, KEEP_SECONDS)
    if success:
        _settled(merchant.code, result["vnp_PayDate"], reference)
    delay = settings.PAYMENT_SIMULATOR_LATE_SECONDS if outcome == "late" else 0
    send_notification(signed, delay)
    return redirect(f"{asked['vnp_ReturnUrl']}?{gateways.query_string(signed)}")


def send_notification(params: dict[str, str], delay: float = 0) -> threading.Thread:
    """Send the IPN from a thread, over HTTP, after `delay` seconds."""

    def run() -> None:
        if delay:
            time.sleep(delay)
        url = f"{settings.PAYMENT_SIMULATOR_IPN_URL}?{gateways.query_string(params)}"
        for _attempt in range(3):
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    answer = json.loads(response.read().decode())
            except (OSError, ValueError):
                answer = {}
            if answer.get("RspCode") in ("00", "02"):
                return
            time.sleep(0.2)
        logger.warning("the portal did not confirm the notification of order %s", params.get("vnp_TxnRef"))

    thread = threading.Thread(target=run, name=f"ipn-{params.get('vnp_TxnRef')}", daemon=True)
    SENDERS.append(thread)
    thread.start()
    return thread


def wait_for_notifications(timeout: float = 30) -> None:
    """Wait for the notifications sent so far (for tests and demonstrations)."""
    while SENDERS:
        SENDERS.pop().join(timeout)


@csrf_exempt
@require_POST
def transaction(request) -> HttpResponse:
    """querydr: what became of an order, signed like the real answer."""
    try:
        asked: dict[str, Any] = json.loads(request.body.decode())
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid request"}, status=400)
    merchant = gateways.merchant_by_code(str(asked.get("vnp_TmnCode", "")))
    if (
        not isinstance(asked, dict)
        or merchant is None
        or gateways.sign_fields(merchant.secret, asked, gateways.QUERY_FIELDS) != str(asked.get("vnp_SecureHash", ""))
    ):
        return JsonResponse({"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"})
    order = cache.get(_key(str(asked.get("vnp_TxnRef", ""))))
    result = (order or {}).get("result") or {}
    answer = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00" if order else "91",
        "vnp_Message": "QueryDR Success" if order else "Transaction not found",
        "vnp_TmnCode": merchant.code,
        "vnp_TxnRef": str(asked.get("vnp_TxnRef", "")),
        "vnp_Amount": (order or {}).get("request", {}).get("vnp_Amount", ""),
        "vnp_BankCode": result.get("vnp_BankCode", ""),
        "vnp_PayDate": result.get("vnp_PayDate", ""),
        "vnp_TransactionNo": result.get("vnp_TransactionNo", ""),
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": (order or {}).get("status", ""),
        "vnp_OrderInfo": (order or {}).get("request", {}).get("vnp_OrderInfo", ""),
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }
    answer["vnp_SecureHash"] = gateways.sign_fields(merchant.secret, answer, gateways.ANSWER_FIELDS)
    return JsonResponse(answer)


@require_GET
def settlement(request) -> HttpResponse:
    """A merchant's settlement file for a day (?vnp_TmnCode=…&date=yyyyMMdd):
    every order it settled that day, paid at that day's date."""
    merchant = gateways.merchant_by_code(request.GET.get("vnp_TmnCode", ""))
    day = request.GET.get("date", "")
    if merchant is None or len(day) != 8 or not day.isdigit():
        return HttpResponseBadRequest("unknown merchant or date (yyyyMMdd)")
    rows = []
    for reference in cache.get(_day_key(merchant.code, day)) or []:
        result = ((cache.get(_key(reference)) or {}).get("result")) or {}
        if result.get("vnp_TransactionStatus") == "00":
            rows.append({**result, "vnp_TransactionType": settlements.PAYMENT})
    rows.sort(key=lambda row: (row["vnp_PayDate"], row["vnp_TxnRef"]))
    response = HttpResponse(settlements.write(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="settlement-{merchant.code}-{day}.csv"'
    return response
