"""The project's settings as production has them, with the few changes a test run needs."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain HTTP: Secure, __Host- cookies would never come back.
# tests/security/test_settings.py checks the production values in a process of their own.
os.environ.setdefault("SECURE_COOKIES", "0")
# The browser tests sign in as the manager with a password alone; tests/security turns the requirement on
# where it checks that two-factor sign-in is enforced.
os.environ.setdefault("OTP_REQUIRED_FOR_STAFF", "0")
# Tasks run as they are enqueued, in the test's own transaction; the tests of the worker start real workers on
# the database backend (tests/tasks/).
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from dscb.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files straight from the source folders, as in development (no collectstatic in a test run).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
