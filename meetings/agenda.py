"""The meeting page's standing item "Business plan progress" links the report issued for the meeting. Reports sit
above meetings and may not be imported here, so the link comes through this slot: an app above registers a
function (meeting → (address, title) or None) in its AppConfig.ready(), and the meeting page asks it."""

ISSUED_REPORT_FINDERS = []


def register_issued_report_finder(finder):
    if finder not in ISSUED_REPORT_FINDERS:
        ISSUED_REPORT_FINDERS.append(finder)
    return finder


def issued_report_link(meeting):
    """(address, title) of the report issued for the meeting, or None while nothing is registered or issued."""
    for finder in ISSUED_REPORT_FINDERS:
        found = finder(meeting)
        if found:
            return found
    return None
