"""Counting failed sign-ins so passwords cannot be guessed, without letting one person behind a
shared school address lock everyone else out.

The policy (figures in settings; README "Signing in" under "Roles and access"):
- an account at one address: SIGN_IN_FAILURE_LIMIT (10) failures per SIGN_IN_FAILURE_WINDOW
  (15 minutes), then that account is refused from that address, even the right password;
- one address over all accounts: SIGN_IN_ADDRESS_FAILURE_RATE (100 per 15 minutes), against
  trying one password on many accounts;
- one account over all addresses: SIGN_IN_ACCOUNT_FAILURE_RATE (100 an hour, ASVS V2.2.1),
  against guessing from many addresses;
- a browser that has signed in to the account before carries a signed "device" cookie
  (OWASP's device cookies): it is not held back by the three counters above, which strangers
  can fill, but counted on its own, the same 10 per 15 minutes.
So a classmate's wrong guesses from the same network block neither other accounts nor the owner
on a device they used before; a new device of the owner's on that network waits out the window
(or uses another network, or resets the password).
"""

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from engagements import throttle
from engagements.throttle import Counter

DEVICE_COOKIE = "aligned_device"
DEVICE_SALT = "accounts.throttle.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365
DEVICE_MAX_ACCOUNTS = 10  # a shared classroom laptop remembers this many accounts

GROUP_PAIR = "sign-in-failures:account-at-address"
GROUP_ADDRESS = "sign-in-failures:address"
GROUP_ACCOUNT = "sign-in-failures:account"
GROUP_DEVICE = "sign-in-failures:account-on-device"


def _pair_rate() -> str:
    minutes = int(settings.SIGN_IN_FAILURE_WINDOW.total_seconds() // 60)
    return f"{settings.SIGN_IN_FAILURE_LIMIT}/{minutes}m"


def _account(email: str) -> str:
    """The account as a short keyed hash: cookies and cache keys never hold the address."""
    return salted_hmac(DEVICE_SALT, email.strip().lower()).hexdigest()[:24]


def _device(request: HttpRequest) -> dict | None:
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        device = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(device, dict) or not isinstance(device.get("accounts"), list):
        return None
    return device


def _counters(request: HttpRequest, email: str) -> list[Counter]:
    account = _account(email)
    device = _device(request)
    if device is not None and account in device["accounts"]:
        return [Counter(GROUP_DEVICE, f"{account}@{device['id']}", _pair_rate())]
    address = throttle.address(request)
    return [
        Counter(GROUP_PAIR, f"{account}@{address}", _pair_rate()),
        Counter(GROUP_ADDRESS, address, settings.SIGN_IN_ADDRESS_FAILURE_RATE),
        Counter(GROUP_ACCOUNT, account, settings.SIGN_IN_ACCOUNT_FAILURE_RATE),
    ]


def sign_in_blocked(request: HttpRequest, email: str) -> bool:
    """True once this account has used up its failed attempts from where this request comes."""
    return throttle.blocked(request, _counters(request, email))


def sign_in_failed(request: HttpRequest, email: str) -> None:
    throttle.failed(request, _counters(request, email))


def device_trust(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """After a right password: this browser is one the account has used (the device cookie)."""
    device = _device(request) or {"id": secrets.token_urlsafe(12), "accounts": []}
    account = _account(email)
    accounts = [account] + [known for known in device["accounts"] if known != account]
    device = {"id": device["id"], "accounts": accounts[:DEVICE_MAX_ACCOUNTS]}
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(device, salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
