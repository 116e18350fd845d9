"""The status rule, "Complete carries forward until reopened; nothing recorded is No update", is written twice:
in SQL (ActionQuerySet.with_status, for the plan page's list filtered by status) and in Python (status_path, for
the rows of progress.selectors that the reports, the dashboard, My work and an action's page read). Both are fed the
same histories here and must give the same status in every period, and the status the rule says."""

import pytest

from priorities.models import Action, ProgressUpdate, Status, status_path
from progress.selectors import plan_rows
from tests.factories import ActionFactory, ProgressUpdateFactory, ReportingPeriodFactory

pytestmark = pytest.mark.django_db

NU, G, A, R, C = Status.NO_UPDATE, Status.GREEN, Status.AMBER, Status.RED, Status.COMPLETE


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param({}, [NU, NU, NU, NU], id="no updates"),
        pytest.param({1: ("submitted", G)}, [G, NU, NU, NU], id="green then nothing"),
        pytest.param({1: ("submitted", C)}, [C, C, C, C], id="complete then nothing"),
        pytest.param({1: ("submitted", C), 3: ("submitted", A)}, [C, C, A, NU], id="complete then reopened amber"),
        pytest.param({2: ("draft", "")}, [NU, NU, NU, NU], id="a draft is not reported"),
        pytest.param({1: ("submitted", G), 2: ("draft", R)}, [G, NU, NU, NU], id="a draft with a status is not"),
        pytest.param({1: ("submitted", C), 2: ("draft", A)}, [C, C, C, C], id="a draft does not reopen complete"),
        pytest.param({2: ("returned", R)}, [NU, R, NU, NU], id="a returned update is reported"),
        pytest.param({2: ("returned", C)}, [NU, C, C, C], id="returned complete carries forward"),
        pytest.param({3: ("submitted", G)}, [NU, NU, G, NU], id="an update only in a later period"),
        pytest.param({4: ("submitted", C)}, [NU, NU, NU, C], id="complete only in the last period"),
        pytest.param(
            {1: ("submitted", C), 2: ("submitted", G), 3: ("submitted", C)}, [C, G, C, C], id="complete twice"
        ),
    ],
)
def test_sql_and_python_give_the_same_status_in_every_period(history, expected):
    action = ActionFactory(objective__priority__plan__status="active")
    plan = action.objective.priority.plan
    periods = [ReportingPeriodFactory(plan=plan, number=number) for number in range(1, 5)]
    # Another action of the plan, complete in period 1: its updates must not leak into the first one's status.
    ProgressUpdateFactory(action=ActionFactory(objective=action.objective), period=periods[0], status=C)
    for number, (state, status) in history.items():
        period = periods[number - 1]
        ProgressUpdateFactory(
            action=action, period=period, state=state, status=status, reason="Late", returned_reason="Thin"
        )
    updates = {update.period_id: update for update in ProgressUpdate.objects.filter(action=action)}

    in_sql = [Status(Action.objects.with_status(period).get(pk=action.pk).status_value) for period in periods]
    in_python = status_path(periods, updates)
    in_rows = [
        next(row for row in plan_rows(plan, period, drafts=True).action_rows if row.action.pk == action.pk).status
        for period in periods
    ]
    assert in_sql == in_python == in_rows == expected
