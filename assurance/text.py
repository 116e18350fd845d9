"""Text cut to fit: at a word boundary, with an ellipsis, never mid-word."""

from django.utils.text import Truncator


def clip(text, limit):
    """`text` whole when it fits in `limit` characters, else cut at the last word that fits, with an ellipsis."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = Truncator(text).chars(limit - 1, truncate="")
    if " " in cut and not text[len(cut)].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"
