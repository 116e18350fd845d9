"""What every answer of the site must carry: the security headers, and cookies that scripts cannot read."""

from django.conf import settings

REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = " ".join(words[1:])
    return directives


def header_problems(response, secure=True):
    """Every way the response falls short of the site's security headers, as sentences (empty when none)."""
    problems = []
    csp = response.get("Content-Security-Policy", "")
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        directives = csp_directives(csp)
        for name, value in REQUIRED_DIRECTIVES.items():
            if directives.get(name) != value:
                problems.append(f"CSP {name} is {directives.get(name)!r}, not {value!r}")
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "data:", "*"):
            if any(unsafe in value.split() for value in directives.values()):
                problems.append(f"CSP allows {unsafe}")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if secure:
        expected["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains; preload"
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name} is {response.get(name)!r}, not {value!r}")
    denied = {part.strip() for part in response.get("Permissions-Policy", "").split(",")}
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        if f"{feature}=()" not in denied:
            problems.append(f"Permissions-Policy does not deny {feature}")
    cache = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    if "no-store" not in cache or "private" not in cache:
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r}: not private, no-store")
    problems.extend(cookie_problems(response))
    return problems


def cookie_problems(response):
    problems = []
    for name, morsel in response.cookies.items():
        if not morsel.value:
            continue  # a cookie being deleted
        if name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME) and not morsel["httponly"]:
            problems.append(f"cookie {name} can be read by scripts (no HttpOnly)")
        if str(morsel["samesite"]).lower() != "lax":
            problems.append(f"cookie {name} is SameSite={morsel['samesite']!r}, not Lax")
        if settings.SECURE_COOKIES and not morsel["secure"]:
            problems.append(f"cookie {name} is not Secure")
    return problems
