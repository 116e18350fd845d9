"""Text made fit for the XML inside an Excel workbook or a Word document.

People paste from other programs: Word writes a manual line break (Shift+Enter) as a vertical tab and a page break
as a form feed, and text may hold other control characters nobody sees. XML 1.0 cannot hold them, and openpyxl and
python-docx refuse to write them, so every export puts its text through `xml_text` first. Text sent in a form goes
through it too (dscb.middleware.SentTextMiddleware), so that what is stored is what people meant; the exports still
clean what was stored before, or came by another way (an imported plan file).
"""

import re

# What XML 1.0 cannot hold: control characters (tab, line feed and carriage return aside), lone surrogates, and
# the two non-characters U+FFFE and U+FFFF.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Word's manual line break and page break, kept as line breaks rather than dropped (which would join two words).
BREAKS = str.maketrans({"\v": "\n", "\f": "\n"})


def xml_text(text):
    """`text` with Word's breaks as line breaks and without the characters XML cannot hold."""
    if NOT_XML.search(text) is None:  # nearly every cell: looked through once, not copied twice
        return text
    return NOT_XML.sub("", text.translate(BREAKS))


# What a form keeps out (dscb.middleware.SentTextMiddleware): what XML cannot hold, and DEL and the C1 control
# characters too, which no keyboard types (they come of text decoded in the wrong encoding) and which pages and files
# show as nothing, or as boxes.
NOT_TYPED = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def typed_text(text):
    """`text` as sent in a form, with Word's breaks as line breaks and without the control characters."""
    if NOT_TYPED.search(text) is None:
        return text
    return NOT_TYPED.sub("", text.translate(BREAKS))
