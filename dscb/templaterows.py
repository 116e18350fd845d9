"""Rows that templates read thousands of times a page, looked up at the first try."""


class TemplateRow:
    """A row (a dataclass) whose fields and properties a template reads as `{{ row.name }}`.

    Django's template engine first tries `row["name"]`, and only when that fails (a TypeError raised and caught)
    `getattr(row, "name")`. For a row with neither, each lookup pays for the failure: on a 600-action report,
    about 9,000 of them. Answering the item lookup with the attribute makes the first try the one that works,
    and a name that is not there fails as before. Rows stay not iterable (`__iter__ = None`), as an item lookup
    would otherwise make Python iterate them by index.
    """

    __slots__ = ()
    __iter__ = None

    def __getitem__(self, name):
        try:
            return getattr(self, name)
        except (AttributeError, TypeError):
            raise KeyError(name) from None
