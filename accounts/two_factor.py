"""Two-factor sign-in with time-based codes (django-otp): who must use it, setting it up, entering a code."""

import base64
import binascii

from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from subgroups.roles import is_board_manager

DEVICE_NAME = "Authenticator app"
SET_UP_KEY = "dscb_two_factor_key"


def two_factor_required(user):
    """True when the user must sign in with a code: admins, staff and the board business manager, if so set."""
    if not settings.OTP_REQUIRED_FOR_STAFF or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or is_board_manager(user)


def confirmed_device(user):
    """The user's confirmed authenticator, or None."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def step_due_at_sign_in(user):
    """ "verify" for a user with an authenticator, "set-up" for one who must have one and has not, else None."""
    if confirmed_device(user) is not None:
        return "verify"
    if two_factor_required(user):
        return "set-up"
    return None


def set_up_key(session):
    """The secret (hex) for the authenticator being set up, kept in the session until a code confirms it."""
    key = session.get(SET_UP_KEY)
    if not key:
        key = random_hex(20)
        session[SET_UP_KEY] = key
    return key


def base32_secret(hex_key):
    """The secret as people type it into an authenticator app: base 32, in groups of four."""
    secret = base64.b32encode(binascii.unhexlify(hex_key)).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def config_url(user, hex_key):
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=hex_key, name=DEVICE_NAME).config_url


def qr_code_svg(data):
    """The address as an inline SVG QR code: a single path, no styles, so that the CSP allows it."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)


def code_matches_key(hex_key, token):
    """True when the code is the current one (or one step either side) for this secret."""
    try:
        code = int(token)
    except (TypeError, ValueError):
        return False
    totp = TOTP(binascii.unhexlify(hex_key))
    return totp.verify(code, tolerance=1)


@transaction.atomic
def device_confirm(*, user, hex_key):
    """Keep the authenticator that the user has just proved with a code: their one confirmed device."""
    TOTPDevice.objects.filter(user=user).delete()
    totp = TOTP(binascii.unhexlify(hex_key))
    # Mark the code just used as spent, so that it cannot sign in a second time.
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=hex_key, confirmed=True, last_t=totp.t())


@transaction.atomic
def device_remove(*, user):
    """Turn two-factor sign-in off for the user: forget their authenticators."""
    TOTPDevice.objects.filter(user=user).delete()
