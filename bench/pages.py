"""Page timings and query counts at demo size and at large size, in-process with Django's test client.

Each page is asked for once to warm up, twice inside CaptureQueriesContext to count its queries, then timed over
several runs (15 for a page whose warm-up took under 200 ms, where a busy moment of the machine moves a median of 7 by
a fifth; 7 up to two seconds; 3 beyond) without the query capture; the median is
reported, of the wall-clock time (the figure in results.json) and, in the printed table, of this process's CPU
time, which leaves out PostgreSQL's share and shows how much of a slow figure was other work on the machine.

Every page is asked for as the chair of the subgroup that leads the most actions, signed in with force_login,
so that My work has the most to show and the action page is seen by someone who may update it.

The dashboard and My work show the *active* plan, so the large plan is made the active one (and the demo plan
closed) for the large-size measurements, and put back afterwards: the same code paths and queries a board with a
600-action plan would run, rather than a parameter the pages do not have.

No request draws a PDF: the background worker does (reports.tasks), and a draft PDF is kept while what it shows is
unchanged (reports.pdfstore). So the PDF is measured twice. `executive_report_pdf` is the download as people get it
once the worker has drawn it (drawn here first, untimed, if it is not kept). `worker_pdf` is the time for the worker
to draw it: the store is emptied, the download that finds no PDF answers 202 ("being prepared") and enqueues
`draft_pdf_draw`; that task is claimed and run by django-tasks-db's worker (`Worker.run_task`, as `run_worker`
runs it, but in this process, so the worker's polling interval is not counted), and the next download gets the PDF
(200). WeasyPrint draws in a child process (reports.pdfdraw), so the CPU column leaves the drawing out; the query
count includes the bench's own steps (emptying the store, finding the task).

`issue_report` is the board business manager issuing the Executive report to a meeting: the request that freezes
the report (its HTML, the PDF's HTML, the workbook and its figures) and returns before the worker draws its PDF,
inside a transaction rolled back afterwards.

The floor is the Executive report's rows fetched with one SQL query and joined into an HTML string by plain
Python (no request, no template): what the report could cost at the least; the report's ratio to it is printed.

    python -m bench.pages                               # the whole table, into .bench/results.json
    python -m bench.pages --profile NAME [--size demo]  # cProfile one page (e.g. executive_report_html)
    python -m bench.pages --only import_plan            # measure only these pages (here the plan import)
"""

import argparse
import contextlib
import cProfile
import functools
import html
import logging
import os
import pstats
import time

from bench.common import django_setup, median, results_read, results_write

QUICK_RUNS, QUICK_MS, RUNS, SLOW_RUNS, SLOW_MS = 15, 200, 7, 3, 2000


def _timed(call, expect):
    """(wall ms, CPU ms of this process) of one call; the CPU figure leaves out PostgreSQL and other work."""
    started, cpu = time.perf_counter(), time.process_time()
    response = call()
    elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    status = getattr(response, "status_code", 200)
    if status != expect:
        raise RuntimeError(f"expected {expect}, got {status}")
    return elapsed, cpu


def measure(call, *, expect=200):
    """(median ms, median CPU ms, runs, queries) for `call`: one warm-up, one counted run, then the timed runs."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    warm, _ = _timed(call, expect)
    counts = []
    # Counted twice, the fewer kept: a signed-in request moves the session's idle limit on (three more
    # queries) at most once a minute, and a slow warm-up can leave that due on the next request.
    for _ in range(2):
        # The query log keeps at most 9,000 queries; emptied first, so that a long step (the large import)
        # cannot fill it and leave the next capture counting nothing.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            _timed(call, expect)
        # Counted now: the capture reads the connection's query log, which the next request clears.
        counts.append(len(captured))
    queries = min(counts)
    runs = SLOW_RUNS if warm > SLOW_MS else RUNS if warm > QUICK_MS else QUICK_RUNS
    times = [_timed(call, expect) for _ in range(runs)]
    return median([wall for wall, _ in times]), median([cpu for _, cpu in times]), runs, queries


@contextlib.contextmanager
def plan_made_active(plan, instead_of):
    """Make `plan` the active plan for a while (closing `instead_of`), and put things back whatever happens."""
    from django.db import transaction

    from plans.models import BusinessPlan

    with transaction.atomic():
        BusinessPlan.objects.filter(pk=instead_of.pk).update(status=BusinessPlan.Status.CLOSED)
        BusinessPlan.objects.filter(pk=plan.pk).update(status=BusinessPlan.Status.ACTIVE)
    try:
        yield
    finally:
        with transaction.atomic():
            BusinessPlan.objects.filter(pk=plan.pk).update(status=BusinessPlan.Status.CLOSED)
            BusinessPlan.objects.filter(pk=instead_of.pk).update(status=BusinessPlan.Status.ACTIVE)


def executive_floor_sql():
    """One query: this period's reported update of every action, with its objective, priority and lead(s)."""
    from plans.models import BusinessPlan
    from priorities.models import Action, Objective, ProgressUpdate, StrategicPriority
    from subgroups.models import Subgroup

    table = {
        model: model._meta.db_table
        for model in (Action, Objective, StrategicPriority, Subgroup, ProgressUpdate, BusinessPlan)
    }
    co_leads = Action.co_leads.through._meta.db_table
    live = "AND NOT a.archived" if any(f.name == "archived" for f in Action._meta.fields) else ""
    # Table names come from the models' _meta, never from input; the values are parameters.
    return f"""
        SELECT p.ref, p.title, o.ref, o.title, a.ref, a.text, s.name,
               (SELECT string_agg(c.name, ' & ' ORDER BY c.name)
                  FROM {co_leads} x JOIN {table[Subgroup]} c ON c.id = x.subgroup_id
                 WHERE x.action_id = a.id),
               u.status, u.reason, u.progress, u.impact, u.next_steps
          FROM {table[Action]} a
          JOIN {table[Objective]} o ON o.id = a.objective_id
          JOIN {table[StrategicPriority]} p ON p.id = o.priority_id
          JOIN {table[Subgroup]} s ON s.id = a.lead_id
          LEFT JOIN {table[ProgressUpdate]} u ON u.action_id = a.id AND u.period_id = %s AND u.state <> 'draft'
         WHERE p.plan_id = %s {live}
         ORDER BY p.position, p.id, o.position, o.id, a.position, a.id
    """  # noqa: S608


def executive_floor(plan, period):
    """The floor: the Executive report's rows in one query, joined into an HTML string by plain Python."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(executive_floor_sql(), [period.pk, plan.pk])
        rows = cursor.fetchall()
    esc = html.escape
    out = [f"<article><h1>Safeguarding Executive report: period {period.number}</h1>"]
    last_priority = last_objective = None
    for p_ref, p_title, o_ref, o_title, a_ref, text, lead, co, status, reason, progress, impact, steps in rows:
        if p_ref != last_priority:
            out.append(f"<h2>Strategic priority {esc(p_ref)} {esc(p_title)}</h2>")
            last_priority, last_objective = p_ref, None
        if o_ref != last_objective:
            out.append(f"<h3>{esc(o_ref)} {esc(o_title)}</h3>")
            last_objective = o_ref
        leads = esc(lead + (" & " + co if co else ""))
        out.append(f"<div><h4>{esc(a_ref)} {esc(text)}</h4><p>Lead: {leads} · {esc(status or 'no update')}</p>")
        if status:
            out.append(
                f"<dl><dt>Reason</dt><dd>{esc(reason)}</dd><dt>Progress</dt><dd>{esc(progress)}</dd>"
                f"<dt>Impact</dt><dd>{esc(impact)}</dd><dt>Next steps</dt><dd>{esc(steps)}</dd></dl>"
            )
        out.append("</div>")
    out.append("</article>")
    return "".join(out)


def import_scratch(content, filename):
    """Import a plan file inside a transaction that is then rolled back: the database is left as it was."""
    from django.db import transaction

    from planfile.services import plan_import

    with transaction.atomic():
        result = plan_import(content=content, filename=filename)
        if result.problems:
            raise RuntimeError("; ".join(str(problem) for problem in result.problems[:5]))
        transaction.set_rollback(True)
    return result


@functools.cache
def manager_client():
    """(client, session key): the board business manager signed in with their second factor done, as production
    asks of them."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.sessions import TWO_FACTOR_STEP

    manager = get_user_model().objects.get(username="manager")
    device, _ = TOTPDevice.objects.get_or_create(user=manager, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(manager)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # the code entered, as the two-factor page does
    session.pop(TWO_FACTOR_STEP, None)
    session.save()
    return client, session.session_key


def issue_scratch(plan, period):
    """The manager issues the Executive report to a meeting (the request, which returns before the worker draws
    its PDF), inside a transaction that is then rolled back: no version is kept and no drawing is asked for."""
    from django.conf import settings
    from django.db import transaction

    client, session_key = manager_client()
    # The request's changes to the session are rolled back with the rest: the next one signs in with it as it was.
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    with transaction.atomic():
        response = client.post(
            f"/plans/{plan.slug}/reports/issue/",
            {"kind": "executive", "period": period.number, "meeting": "Safeguarding Executive"},
        )
        transaction.set_rollback(True)
    if response.status_code != 302 or not response["Location"].startswith("/reports/"):
        raise RuntimeError(f"the issue was not made: {response.status_code} {response.get('Location')}")


def last_reported_period(plan):
    """The latest period of the plan with reported updates (the report with the most in it)."""
    from django.db.models import Max

    from priorities.models import ProgressUpdate

    number = ProgressUpdate.objects.reported().filter(period__plan=plan).aggregate(n=Max("period__number"))["n"]
    return plan.periods.get(number=number or 1)


def busiest_action(plan, subgroup):
    """The subgroup's action in the plan with the most updates (so the most history on its page)."""
    from django.db.models import Count

    from priorities.models import Action

    return (
        Action.objects.filter(objective__priority__plan=plan, lead=subgroup)
        .annotate(n=Count("updates"))
        .order_by("-n", "pk")
        .first()
    )


def worker_run(task_result):
    """Claim and run one enqueued task as `manage.py run_worker` does (django-tasks-db's Worker.run_task), in this
    process; raise if it failed."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=[task_result.queue_name],
        interval=0,
        batch=True,
        backend_name=task_result.backend_name,
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
        excluded_queue_names=[],
    )
    task_result.claim(worker.worker_id)
    worker.run_task(task_result)
    task_result.refresh_from_db()
    if task_result.status != TaskResultStatus.SUCCESSFUL:
        raise RuntimeError(f"{task_result.task_path} {task_result.status}: {task_result.traceback[-500:]}")
    return task_result.return_value


def worker_pdf(client, plan, period, url):
    """The Executive report PDF drawn by the worker: nothing kept, the download answers 202 and enqueues the drawing,
    the worker runs it, and the next download gets the PDF."""
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from reports.models import DraftPDF, IssuedReport, PDFDrawFailure
    from reports.tasks import _draft_key, draft_pdf_draw

    DraftPDF.objects.filter(plan=plan).delete()
    PDFDrawFailure.objects.filter(plan=plan).delete()
    # A drawing said to be waiting (left by an earlier run stopped midway) would not be enqueued again.
    cache.delete(_draft_key(plan.pk, IssuedReport.Kind.EXECUTIVE, period.number, None))
    asked = client.get(url)
    if asked.status_code != 202:
        raise RuntimeError(f"expected 202 (being prepared), got {asked.status_code}")
    drawing = (
        DBTaskResult.objects.ready()
        .filter(task_path=draft_pdf_draw.module_path, args_kwargs__kwargs__plan_id=plan.pk)
        .order_by("-enqueued_at")
        .first()
    )
    if drawing is None:
        raise RuntimeError("the download enqueued no drawing")
    outcome = worker_run(drawing)
    if outcome != "drawn":
        raise RuntimeError(f"the worker's drawing: {outcome}")
    return client.get(url)


def pdf_kept(client, plan, period, url):
    """Have the worker draw the PDF if it is not kept, so that the download is measured as people get it."""
    if client.get(url).status_code == 202:
        worker_pdf(client, plan, period, url)


def page_calls(client, plan, period, action, plan_file):
    """(name, call) for every measured page and step of one plan."""
    base = f"/plans/{plan.slug}"
    report = f"{base}/periods/{period.number}/executive-report"
    as_at = period.ends_on.isoformat()
    return [
        ("dashboard", lambda: client.get("/")),
        ("plan", lambda: client.get(f"{base}/")),
        ("my_work", lambda: client.get("/my/")),
        ("action", lambda: client.get(f"/actions/{action.pk}/")),
        ("executive_report_html", lambda: client.get(f"{report}/")),
        ("executive_report_pdf", lambda: client.get(f"{report}.pdf")),
        ("worker_pdf", lambda: worker_pdf(client, plan, period, f"{report}.pdf")),
        ("executive_report_xlsx", lambda: client.get(f"{report}.xlsx")),
        ("board_report", lambda: client.get(f"{base}/board-report/?as_at={as_at}")),
        ("import_plan", lambda: import_scratch(plan_file, "bench-import.csv")),
        ("issue_report", lambda: issue_scratch(plan, period)),
        ("executive_report_floor", lambda: executive_floor(plan, period)),
    ]


def measure_plan(size, client, plan, action, plan_file, only=None):
    period = last_reported_period(plan)
    print(f"\n{size}: plan {plan.slug}, period {period.number}, action {action.code} (id {action.pk})", flush=True)
    entries = []
    for name, call in page_calls(client, plan, period, action, plan_file):
        if only and name not in only:
            continue
        if name == "executive_report_pdf":
            pdf_kept(client, plan, period, f"/plans/{plan.slug}/periods/{period.number}/executive-report.pdf")
        ms, cpu, runs, queries = measure(call)
        print(f"  {name:<24} {ms:10.1f} ms  (CPU {cpu:8.1f} ms)  {queries:5d} queries  ({runs} runs)", flush=True)
        entry = {"name": name, "size": size, "median_ms": round(ms, 1), "queries": queries}
        entries.append({**entry, "_runs": runs, "_ms": ms, "_cpu": round(cpu, 1)})
    return entries


WIDTHS = [26, 9, 8, 6, 9, 9, 7, 5]


def _line(cells):
    """A Markdown table row: the page name left-aligned, the figures right-aligned."""
    padded = [
        f"{cell:<{w}}" if i == 0 else f"{cell:>{w}}" for i, (cell, w) in enumerate(zip(cells, WIDTHS, strict=True))
    ]
    return "| " + " | ".join(padded) + " |"


def table(entries):
    by = {(e["name"], e["size"]): e for e in entries}
    lines = [
        _line(["page", "demo ms", "demo CPU", "demo q", "large ms", "large CPU", "large q", "runs"]),
        "|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(WIDTHS)) + "|",
    ]
    for name in dict.fromkeys(e["name"] for e in entries):
        demo, large = by.get((name, "demo"), {}), by.get((name, "large"), {})
        runs = "/".join(str(e["_runs"]) for e in (demo, large) if e)
        cells = [
            *(demo.get(key, "") for key in ("median_ms", "_cpu", "queries")),
            *(large.get(key, "") for key in ("median_ms", "_cpu", "queries")),
        ]
        lines.append(_line([name, *cells, runs]))
    return "\n".join(lines)


def profile(name, client, plan, inactive, plan_file):
    """Print where the time of one page goes (cProfile, after a warm-up)."""
    from bench.largeplan import busiest_subgroup

    demo_plan = inactive or plan
    with plan_made_active(plan, instead_of=inactive) if inactive else contextlib.nullcontext():
        period = last_reported_period(plan)
        action = busiest_action(plan, busiest_subgroup(demo_plan))
        call = dict(page_calls(client, plan, period, action, plan_file))[name]
        if name == "executive_report_pdf":
            pdf_kept(client, plan, period, f"/plans/{plan.slug}/periods/{period.number}/executive-report.pdf")
        call()
        profiler = cProfile.Profile()
        profiler.enable()
        call()
        profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", help="cProfile this page (e.g. executive_report_html) instead of the full run")
    parser.add_argument("--size", choices=["demo", "large"], default="large", help="the plan size to profile at")
    parser.add_argument("--only", nargs="+", metavar="PAGE", help="measure only these pages (e.g. import_plan)")
    args = parser.parse_args()
    django_setup()

    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.largeplan import busiest_subgroup, large_plan_build, large_plan_file
    from planfile.demo import DEMO_PLAN_SLUG, chair_username
    from plans.models import BusinessPlan
    from subgroups.models import Subgroup

    print("Load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    # Signing in (force_login) is logged at INFO by the sign-in log; not news here.
    logging.getLogger("dscb.security").setLevel(logging.WARNING)
    demo = BusinessPlan.objects.get(slug=DEMO_PLAN_SLUG)
    busy = busiest_subgroup(demo)
    started = time.perf_counter()
    large = large_plan_build(busy=busy)
    print(f"Large plan {large.slug} ready in {time.perf_counter() - started:.1f} s", flush=True)
    chair = get_user_model().objects.get(username=chair_username(busy))
    client = Client()
    client.force_login(chair)
    names = list(Subgroup.objects.order_by("name").values_list("name", flat=True))
    # The import is measured on files of one shape at the two sizes (30 and 600 actions), so that its query
    # count shows what the number of rows costs: the demo file names no supporting subgroups, and with none to
    # write the import runs two statements fewer whatever its size.
    demo_file = large_plan_file(slug="bench-import-demo", subgroup_names=names, busy=busy.name, actions_per_objective=1)
    large_file = large_plan_file(slug="bench-import-large", subgroup_names=names, busy=busy.name)
    print(f"Signed in as {chair.username}, chair of {busy.name}", flush=True)

    if args.profile:
        profile(args.profile, client, *((large, demo, large_file) if args.size == "large" else (demo, None, demo_file)))
        return

    entries = measure_plan("demo", client, demo, busiest_action(demo, busy), demo_file, args.only)
    with plan_made_active(large, instead_of=demo):
        entries += measure_plan("large", client, large, busiest_action(large, busy), large_file, args.only)

    print("\nLoad average (1, 5, 15 min) after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print("\n" + table(entries))
    by = {(e["name"], e["size"]): e for e in entries}
    for size in ("demo", "large"):
        if ("executive_report_html", size) in by and ("executive_report_floor", size) in by:
            ratio = by[("executive_report_html", size)]["_ms"] / by[("executive_report_floor", size)]["_ms"]
            print(f"Executive report HTML / floor at {size} size: {ratio:.1f}x")
    grown = [
        name
        for name in dict.fromkeys(e["name"] for e in entries)
        if by[(name, "large")]["queries"] > by[(name, "demo")]["queries"]
    ]
    print("Query counts that grow with plan size: " + (", ".join(grown) if grown else "none"))
    kept = [entry for entry in results_read() if entry.get("size") not in ("demo", "large")]
    results_write(kept + [{key: value for key, value in e.items() if not key.startswith("_")} for e in entries])


if __name__ == "__main__":
    main()
