"""The rows of a case list as ready text, for a template that only prints them.

A list page shows 50 cases; rendering each row through the template's filters, ``get_*_display`` and
``{% url %}`` cost about 1 ms of CPU a row, half the page (bench/bench_case_list.py). Here each label is
translated once per page and each row is plain strings.
"""

from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from civicdesk.cases.models import OPEN_STATUSES, Priority, Status


@dataclass(frozen=True)
class CaseRow:
    pk: int
    number: str
    url: str
    choose_label: str
    title: str
    municipality: str
    team: str
    assignee: str
    priority: str
    status: str
    due: str
    overdue: bool


def case_rows(cases) -> list[CaseRow]:
    """A page of ``cases`` (a queryset) as rows, read as plain values: no model objects to build."""
    statuses = {value: str(label) for value, label in Status.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    choose = _("Choose %(number)s")
    url_of = reverse("cases:case_detail", args=["NUMBER"]).replace("NUMBER", "{}")
    now = timezone.now()
    rows = []
    for case in cases.values(*_COLUMNS):
        due = case["due_at"]
        assignee = " ".join(filter(None, (case["assignee__first_name"], case["assignee__last_name"])))
        rows.append(
            CaseRow(
                pk=case["pk"],
                number=case["number"],
                url=url_of.format(quote(case["number"])),
                choose_label=choose % {"number": case["number"]},
                title=case["title"],
                municipality=case["municipality__name"],
                team=case["team__name"] or "—",
                assignee=assignee or case["assignee__username"] or "—",
                priority=priorities.get(case["priority"], case["priority"]),
                status=statuses.get(case["status"], case["status"]),
                due=formats.date_format(timezone.localtime(due), "SHORT_DATETIME_FORMAT") if due else "—",
                overdue=due is not None and due < now and case["status"] in OPEN_STATUSES,
            )
        )
    return rows


_COLUMNS = (
    "pk",
    "number",
    "title",
    "priority",
    "status",
    "due_at",
    "municipality__name",
    "team__name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
)
