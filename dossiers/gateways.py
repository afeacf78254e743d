"""Payment gateways: what the portal asks of one, and the adapter that speaks
the VNPay 2.1.0 protocol (the one Vietnamese public-service portals use, and
whose shape the national payment platform shares).

The protocol, as VNPay's integration guide gives it:
- *pay*: the citizen is redirected to the gateway with the order in `vnp_*`
  query parameters, sorted by name, URL-encoded, and signed with
  HMAC-SHA512 over that query string under the merchant's secret
  (`vnp_SecureHash`);
- *return*: the gateway sends the citizen back with the result signed the
  same way. It only tells the citizen; it proves nothing by itself;
- *IPN*: the gateway calls the portal server to server with the same signed
  parameters and expects `{"RspCode": "..", "Message": ".."}` back: 00
  confirmed, 01 order not found, 02 order already confirmed, 04 invalid
  amount, 97 invalid signature, 99 anything else;
- *querydr*: the portal asks about an attempt it heard nothing of, in a JSON
  POST signed over its fields joined by "|", and checks the answer's
  signature the same way.

A merchant (TmnCode and secret) is chosen by the province of the collecting
office (settings.PAYMENT_MERCHANTS). Functions here take values and return
values; only `VNPay.query` does I/O. The secret is never put in a message,
an exception or a log line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings

VERSION = "2.1.0"
GATEWAY_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
SIGNATURE_FIELDS = ("vnp_SecureHash", "vnp_SecureHashType")
QUERY_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


@dataclass(frozen=True)
class Merchant:
    code: str
    secret: str

    def __repr__(self) -> str:
        # The secret stays out of tracebacks and logs.
        return f"Merchant(code={self.code!r})"


@dataclass(frozen=True)
class Result:
    """What the gateway says of one attempt, once its signature is checked."""

    reference: str
    amount_vnd: int
    # "paid", "failed" or "unknown" (not finished, or not found).
    outcome: str
    gateway_reference: str = ""


class Gateway(Protocol):
    name: str

    def pay_url(
        self,
        *,
        reference: str,
        amount_vnd: int,
        info: str,
        return_url: str,
        client_ip: str,
        at: dt.datetime,
        expires_at: dt.datetime,
    ) -> tuple[str, dict[str, str]]: ...

    def read(self, params: dict[str, str]) -> Result | None: ...

    def query(
        self, *, reference: str, created_at: dt.datetime, at: dt.datetime
    ) -> tuple[Result | None, dict[str, Any]]: ...


def merchant_for(province_code: str) -> Merchant | None:
    """The merchant a province collects under, or None when it has none."""
    found = settings.PAYMENT_MERCHANTS.get(province_code) or settings.PAYMENT_MERCHANTS.get("*")
    return Merchant(*found) if found else None


def merchant_by_code(code: str) -> Merchant | None:
    for tmn, secret in settings.PAYMENT_MERCHANTS.values():
        if hmac.compare_digest(tmn, code):
            return Merchant(tmn, secret)
    return None


def sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode("utf-8"), hashlib.sha512).hexdigest()


def signed_query(params: dict[str, str]) -> str:
    """The query string VNPay signs: fields sorted by name, values encoded
    as application/x-www-form-urlencoded (spaces as "+")."""
    return "&".join(f"{key}={quote_plus(str(params[key]))}" for key in sorted(params) if params[key] != "")


def query_string(signed: dict[str, str]) -> str:
    """A signed message as a query string: the signed fields, then the signature."""
    unsigned = {key: value for key, value in signed.items() if key not in SIGNATURE_FIELDS}
    return f"{signed_query(unsigned)}&vnp_SecureHash={signed['vnp_SecureHash']}"


def sign_params(secret: str, params: dict[str, str]) -> dict[str, str]:
    unsigned = {key: value for key, value in params.items() if key not in SIGNATURE_FIELDS}
    return {**unsigned, "vnp_SecureHash": sign(secret, signed_query(unsigned))}


def has_valid_signature(secret: str, params: dict[str, str]) -> bool:
    given = str(params.get("vnp_SecureHash", ""))
    unsigned = {key: value for key, value in params.items() if key not in SIGNATURE_FIELDS}
    return bool(given) and hmac.compare_digest(sign(secret, signed_query(unsigned)), given.lower())


def sign_fields(secret: str, params: dict[str, str], fields: tuple[str, ...]) -> str:
    return sign(secret, "|".join(str(params.get(field, "")) for field in fields))


def gateway_time(at: dt.datetime) -> str:
    return at.astimezone(GATEWAY_TIME).strftime("%Y%m%d%H%M%S")


def amount_of(params: dict[str, Any]) -> int | None:
    """The amount in đồng of a message (`vnp_Amount` is in hundredths)."""
    text = str(params.get("vnp_Amount", ""))
    if not text.isdigit() or int(text) % 100:
        return None
    return int(text) // 100


class VNPay:
    """The adapter for one merchant."""

    name = "vnpay"

    def __init__(self, merchant: Merchant) -> None:
        self.merchant = merchant

    def pay_url(
        self,
        *,
        reference: str,
        amount_vnd: int,
        info: str,
        return_url: str,
        client_ip: str,
        at: dt.datetime,
        expires_at: dt.datetime,
    ) -> tuple[str, dict[str, str]]:
        """The address to send the citizen to, and the signed request kept."""
        params = {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.merchant.code,
            "vnp_Amount": str(amount_vnd * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": reference,
            "vnp_OrderInfo": info,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip,
            "vnp_CreateDate": gateway_time(at),
            "vnp_ExpireDate": gateway_time(expires_at),
        }
        signed = sign_params(self.merchant.secret, params)
        return f"{settings.PAYMENT_GATEWAY_URL}?{query_string(signed)}", signed

    def read(self, params: dict[str, str]) -> Result | None:
        """A return or a notification, or None when its signature is wrong."""
        if not has_valid_signature(self.merchant.secret, params):
            return None
        amount = amount_of(params)
        success = params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
        return Result(
            reference=str(params.get("vnp_TxnRef", "")),
            amount_vnd=-1 if amount is None else amount,
            outcome="paid" if success else "failed",
            gateway_reference=str(params.get("vnp_TransactionNo", ""))[:40],
        )

    def query(
        self, *, reference: str, created_at: dt.datetime, at: dt.datetime
    ) -> tuple[Result | None, dict[str, Any]]:
        """Ask the gateway about an attempt (querydr); the answer, checked,
        and the raw exchange to keep. None when the gateway cannot be
        reached or its answer is not signed right."""
        request = {
            "vnp_RequestId": uuid.uuid4().hex[:32],
            "vnp_Version": VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.merchant.code,
            "vnp_TxnRef": reference,
            "vnp_TransactionDate": gateway_time(created_at),
            "vnp_CreateDate": gateway_time(at),
            "vnp_IpAddr": "127.0.0.1",
            "vnp_OrderInfo": f"querydr {reference}",
        }
        request["vnp_SecureHash"] = sign_fields(self.merchant.secret, request, QUERY_FIELDS)
        body = json.dumps(request).encode()
        post = urllib.request.Request(
            settings.PAYMENT_GATEWAY_API_URL, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(post, timeout=10) as response:
                answer = json.loads(response.read().decode())
        except (OSError, ValueError):
            return None, {"request": request}
        exchange = {"request": request, "answer": answer}
        if not isinstance(answer, dict) or not hmac.compare_digest(
            sign_fields(self.merchant.secret, answer, ANSWER_FIELDS), str(answer.get("vnp_SecureHash", "")).lower()
        ):
            return None, exchange
        amount = amount_of(answer)
        status = answer.get("vnp_TransactionStatus")
        found = answer.get("vnp_ResponseCode") == "00"
        outcome = (
            "paid" if found and status == "00" else "failed" if found and status not in ("01", None) else "unknown"
        )
        return Result(
            reference=str(answer.get("vnp_TxnRef", "")),
            amount_vnd=-1 if amount is None else amount,
            outcome=outcome,
            gateway_reference=str(answer.get("vnp_TransactionNo", ""))[:40],
        ), exchange


def gateway_for(merchant: Merchant) -> VNPay:
    return VNPay(merchant)
