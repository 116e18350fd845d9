"""dscb.templaterows.TemplateRow: a template reads a row's fields and properties at the first try, and a name the
row does not have fails as it did."""

from dataclasses import dataclass

import pytest
from django.template import engines

from dscb.templaterows import TemplateRow


@dataclass(frozen=True, slots=True)
class Row(TemplateRow):
    code: str
    text: str

    @property
    def title(self):
        return f"{self.code} {self.text}"


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_fields_and_properties_read_as_items():
    row = Row("1.1", "Audit <cases>")
    assert row["code"] == "1.1"
    assert row["title"] == "1.1 Audit <cases>"
    assert render("{{ row.code }}|{{ row.title }}", row=row) == "1.1|1.1 Audit &lt;cases&gt;"


def test_a_missing_name_is_a_missing_item_and_renders_empty():
    row = Row("1.1", "Audit")
    with pytest.raises(KeyError):
        row["nothing"]
    with pytest.raises(KeyError):
        row[0]
    assert render("[{{ row.nothing }}]", row=row) == "[]"


def test_rows_are_not_iterable():
    with pytest.raises(TypeError):
        list(Row("1.1", "Audit"))
    with pytest.raises(TypeError):
        "1.1" in Row("1.1", "Audit")  # noqa: B015
