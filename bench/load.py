"""Load run: simulated people signed in to gunicorn (2 workers) and PostgreSQL, at 10 and then 50 at once.

Each simulated person signs in through the real sign-in form with an account of their own (a member of a
subgroup that leads actions in the active plan, which is the demo plan: a real board's size), then repeats a
journey picked by weight, pausing 1 to 5 seconds (at random) between journeys, as locust's examples do; real
people read a page for far longer, so this is a heavy day:

    60%  a reading page: the dashboard, the plan or My work (a third each)
    25%  an action page
    10%  saving an update: open the update form of an action their subgroup leads in the open period (GET),
         type for 1 to 5 seconds, then submit it through the real form POST with the CSRF token and the form's
         version. A 302 is a save; a 409 is the conflict page (someone saved the same update in between), which
         is expected with several people per subgroup and is counted apart from errors.
    5%   a report: the Safeguarding Executive report or the Board report on screen, or the Executive report as
         PDF or Excel. The PDF is drawn by the background worker (bench/run.sh runs one beside gunicorn): a
         download that finds none kept for the report as it is now (after a save) answers 202, "being
         prepared", and asks the worker for it; that is an answer, counted apart from errors.

Latency is measured per request, from sending it to reading the whole body. An error is any reply other than
the one expected (200 for pages, 302 or 409 for a save), or no reply within 30 seconds. Sign-in is not timed.
Each stage is bounded in time and in requests. A last stage runs 50 people with no pause at all, to show the
most the two workers serve and what latency is then: that is saturation by design, not a target. The CPU
used during each stage by gunicorn (master and workers), the background worker (with the PDFs it draws),
PostgreSQL, this client and anything else on the machine is printed beside the figures, so that a busy machine
shows.

Why a small client on the standard library's threads and http.client rather than locust or wrk: the journey
needs the CSRF token and the form's version read out of the HTML and sent back, which is a regular expression
here but a Lua HTML scrape in wrk; locust would bring gevent and a web UI into the venv, and rounds its
percentiles above 100 ms, whereas this keeps every sample and computes exact percentiles. Python threads are
enough for 50 people who spend most of their time waiting on a socket; the client's own share of the two
cores is printed.

    python -m bench.load --url http://127.0.0.1:PORT
"""

import argparse
import http.client
import math
import os
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from bench.common import django_setup, results_read, results_write

PASSWORD = "bench-load-password-2015"  # noqa: S105 - a throwaway account in the bench's own database
TIMEOUT = 30
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'<input[^>]*name="version"[^>]*>')
VALUE_ATTR = re.compile(r'value="(\d+)"')

JOURNEYS = [("read", 60), ("action", 25), ("save", 10), ("report", 5)]


@dataclass
class Sample:
    kind: str
    status: int  # 0: no reply
    ms: float
    outcome: str  # ok, conflict, error


@dataclass
class Target:
    """What the simulated people visit: pages of the active plan, and the actions each account may update."""

    plan_slug: str
    period_number: int  # the open period
    report_period: int  # the latest period with reported updates
    as_at: str
    action_ids: list
    writable: dict  # username -> [action ids its subgroup leads]


class Person:
    """One signed-in person: their own cookies and connection."""

    def __init__(self, host, port, username):
        self.host, self.port, self.username = host, port, username
        self.cookies = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)

    def request(self, method, path, body=None):
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "dscb-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, response.getheader("Location", ""), content.decode("utf-8", "replace")

    def sign_in(self):
        status, _, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"{self.username}: the sign-in page answered {status}")
        fields = {"csrfmiddlewaretoken": token.group(1), "username": self.username, "password": PASSWORD}
        status, location, _ = self.request("POST", "/accounts/login/", fields)
        if status != 302 or "login" in location:
            raise RuntimeError(f"{self.username}: signing in answered {status} {location}")


class Stage:
    def __init__(self, *, name, users, seconds, max_requests, think, target, people, server_pid, worker_pid=None):
        self.name, self.users, self.seconds, self.max_requests = name, users, seconds, max_requests
        self.think, self.target, self.people, self.server_pid = think, target, people, server_pid
        self.worker_pid = worker_pid
        self.samples = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def timed(self, person, kind, method, path, body=None, expect=(200,), conflict=()):
        started = time.perf_counter()
        try:
            status, location, page = person.request(method, path, body)
        except (OSError, http.client.HTTPException):
            status, location, page = 0, "", ""
        ms = (time.perf_counter() - started) * 1000
        if status in expect and "/accounts/login/" not in location:
            outcome = "ok"
        elif status in conflict:
            outcome = "conflict"
        else:
            outcome = "error"
        with self.lock:
            self.samples.append(Sample(kind, status, ms, outcome))
            if len(self.samples) >= self.max_requests:
                self.stop.set()
        return status, page

    def pause(self, rng, low=None, high=None):
        """A person's pause: reading, or typing (seconds between `think`'s bounds); none in the saturation stage."""
        if self.think:
            self.stop.wait(rng.uniform(self.think[0] if low is None else low, self.think[1] if high is None else high))

    def journey(self, person, rng):
        target = self.target
        plan = f"/plans/{target.plan_slug}"
        kind = rng.choices([name for name, _ in JOURNEYS], weights=[weight for _, weight in JOURNEYS])[0]
        if kind == "read":
            page = rng.choice(["/", f"{plan}/", "/my/"])
            self.timed(person, {"/": "dashboard", "/my/": "my_work"}.get(page, "plan"), "GET", page)
        elif kind == "action":
            self.timed(person, "action", "GET", f"/actions/{rng.choice(target.action_ids)}/")
        elif kind == "save":
            action_id = rng.choice(target.writable[person.username])
            path = f"/actions/{action_id}/periods/{target.period_number}/update/"
            status, page = self.timed(person, "update_form", "GET", path)
            token, version = CSRF_INPUT.search(page), VERSION_INPUT.search(page)
            if status != 200 or token is None or version is None:
                return
            self.pause(rng)  # typing
            if self.stop.is_set():
                return  # the stage ended while they typed
            fields = {
                "csrfmiddlewaretoken": token.group(1),
                "version": VALUE_ATTR.search(version.group(0)).group(1),
                "status": "green",
                "progress": f"Work is on track ({person.username}, {time.strftime('%H:%M:%S')}).",
                "impact": "Practitioners report clearer guidance; case audits record the child's voice more often.",
                "next_steps": "Report progress at the next Safeguarding Executive.",
                # A reason is optional for Green, and needed to reopen an action that was Complete.
                "reason": "Reviewed at the subgroup's meeting this period.",
                "evidence_links": "",
                "submit": "",
            }
            self.timed(person, "update_save", "POST", path, fields, expect=(302,), conflict=(409,))
        else:
            executive = f"{plan}/periods/{target.report_period}/executive-report"
            page = rng.choices(
                [
                    f"{executive}/",
                    f"{plan}/board-report/?as_at={target.as_at}",
                    f"{executive}.pdf",
                    f"{executive}.xlsx",
                ],
                weights=[40, 30, 15, 15],
            )[0]
            name = {".pdf": "report_pdf", "xlsx": "report_xlsx"}.get(page[-4:], "report_html")
            self.timed(person, name, "GET", page, expect=(200, 202) if name == "report_pdf" else (200,))

    def person_loop(self, person, seed):
        rng = random.Random(seed)  # noqa: S311 - a journey mix, not a secret
        self.pause(rng, low=0)  # people arrive over the first seconds, not all in the same instant
        while not self.stop.is_set():
            self.journey(person, rng)
            self.pause(rng)

    def run(self):
        from django.db import connection

        threads = [
            threading.Thread(target=self.person_loop, args=(person, index), daemon=True)
            for index, person in enumerate(self.people[: self.users])
        ]
        database = connection.settings_dict["NAME"]
        machine = cpu_snapshot(self.server_pid, database, self.worker_pid)
        client, started = time.process_time(), time.perf_counter()
        for thread in threads:
            thread.start()
        self.stop.wait(self.seconds)
        self.stop.set()
        for thread in threads:
            thread.join(TIMEOUT + 5)
        self.wall = time.perf_counter() - started
        after = cpu_snapshot(self.server_pid, database, self.worker_pid)
        self.cpu = {key: seconds / self.wall for key, seconds in cpu_used(machine, after).items()}
        self.cpu["client"] = (time.process_time() - client) / self.wall
        self.cpu["other"] = self.cpu["machine"] - sum(
            self.cpu[key] for key in ("gunicorn", "worker", "postgres", "client")
        )
        return self


def percentile(ordered, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def summary(stage):
    times = sorted(sample.ms for sample in stage.samples)
    errors = [sample for sample in stage.samples if sample.outcome == "error"]
    entry = {
        "name": stage.name,
        "size": f"{stage.users} users" + ("" if stage.think else ", no think time"),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "requests": len(times),
        "errors": len(errors),
        "conflicts": sum(sample.outcome == "conflict" for sample in stage.samples),
        "requests_per_s": round(len(times) / stage.wall, 1),
    }
    print(
        f"\n{entry['name']} at {entry['size']}: {entry['requests']} requests in {stage.wall:.0f} s "
        f"({entry['requests_per_s']}/s); p50 {entry['p50_ms']} ms, p95 {entry['p95_ms']} ms, "
        f"p99 {entry['p99_ms']} ms; errors {entry['errors']}, conflicts {entry['conflicts']}",
        flush=True,
    )
    cpu = stage.cpu
    print(
        f"  CPU in use, in cores of {os.cpu_count()}: gunicorn {cpu['gunicorn']:.2f}, "
        f"background worker {cpu['worker']:.2f}, PostgreSQL {cpu['postgres']:.2f}, this client {cpu['client']:.2f}, "
        f"anything else on the machine {max(cpu['other'], 0):.2f}",
        flush=True,
    )
    kinds = sorted({sample.kind for sample in stage.samples})
    for kind in kinds:
        own = sorted(sample.ms for sample in stage.samples if sample.kind == kind)
        print(
            f"  {kind:<12} {len(own):6d} requests  p50 {percentile(own, 0.5):8.1f}  p95 {percentile(own, 0.95):8.1f}"
            f"  p99 {percentile(own, 0.99):8.1f} ms",
            flush=True,
        )
    statuses = {}
    for sample in errors:
        statuses[(sample.kind, sample.status)] = statuses.get((sample.kind, sample.status), 0) + 1
    for (kind, status), count in sorted(statuses.items()):
        print(f"  error: {count} x {kind} answered {status or 'nothing'}", flush=True)
    preparing = sum(sample.kind == "report_pdf" and sample.status == 202 for sample in stage.samples)
    if preparing:
        print(f"  report_pdf answered 202 (being prepared by the worker) {preparing} times", flush=True)
    return entry


def prepare(count):
    """The accounts and the addresses of the load run, in the bench database (not timed)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db.models import Max

    from plans.models import BusinessPlan, ReportingPeriod
    from priorities.models import Action, ProgressUpdate
    from subgroups.models import Membership

    plan = BusinessPlan.objects.active().get()
    period = plan.periods.filter(state=ReportingPeriod.State.OPEN).order_by("number").first()
    reported = ProgressUpdate.objects.reported().filter(period__plan=plan).aggregate(n=Max("period__number"))["n"]
    report_period = plan.periods.get(number=reported or 1)
    actions = list(Action.objects.in_plan(plan))
    leads = {}
    for action in actions:
        for subgroup_id in action.lead_ids:
            leads.setdefault(subgroup_id, []).append(action.pk)
    subgroup_ids = sorted(leads)
    password = make_password(PASSWORD)  # hashed once: one hash for every bench account
    User = get_user_model()
    writable = {}
    for index in range(count):
        username = f"bench-load-{index + 1:02d}"
        user, _ = User.objects.update_or_create(
            username=username, defaults={"password": password, "first_name": "Bench", "last_name": f"Person {index}"}
        )
        subgroup_id = subgroup_ids[index % len(subgroup_ids)]
        Membership.objects.get_or_create(user=user, subgroup_id=subgroup_id, defaults={"role": Membership.Role.MEMBER})
        writable[username] = leads[subgroup_id]
    return Target(
        plan_slug=plan.slug,
        period_number=period.number,
        report_period=report_period.number,
        as_at=report_period.ends_on.isoformat(),
        action_ids=[action.pk for action in actions],
        writable=writable,
    )


def _cmdline(proc):
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def cpu_snapshot(server_pid, database, worker_pid=None):
    """CPU seconds used so far by gunicorn (master and workers), by the background worker and its children (the
    PDF drawing's fork server, with the drawings it has reaped), by PostgreSQL's backends serving the bench's
    database (their process title names it), and by the whole machine.

    PostgreSQL's backends are counted one by one ("postgres_backends", pid -> seconds): a backend can end during a
    stage (a connection older than CONN_MAX_AGE is closed and opened again), and its seconds would leave the total
    and make the stage's share negative. cpu_used counts what the backends alive at the end used since the start;
    what an ended one used is left to "anything else on the machine"."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"gunicorn": 0, "worker": 0}
    backends = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process has ended
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()  # state, parent pid, ... utime (12th), stime (13th)
        ticks_used = int(fields[11]) + int(fields[12])
        if server_pid and str(server_pid) in (stat.parent.name, fields[1]):
            used["gunicorn"] += ticks_used
        elif worker_pid and str(worker_pid) in (stat.parent.name, fields[1]):
            used["worker"] += ticks_used + int(fields[13]) + int(fields[14])  # and its reaped children's
        elif name == "postgres" and f" {database} " in _cmdline(stat.parent):
            backends[stat.parent.name] = ticks_used / ticks
    cpu = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    used["machine"] = sum(cpu) - cpu[3] - cpu[4]  # all but idle and iowait
    return {**{key: value / ticks for key, value in used.items()}, "postgres_backends": backends}


def cpu_used(before, after):
    """CPU seconds used between two cpu_snapshot()s, by the same keys, with "postgres" for the backends."""
    used = {key: after[key] - before[key] for key in after if key != "postgres_backends"}
    started = before["postgres_backends"]
    used["postgres"] = sum(seconds - started.get(pid, 0) for pid, seconds in after["postgres_backends"].items())
    return used


def wait_until_up(host, port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz on {host}:{port} within {seconds} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the gunicorn to load, e.g. http://127.0.0.1:8123")
    parser.add_argument("--users", default="10,50", help="people at once in each stage (default 10,50)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each stage (default 30)")
    parser.add_argument("--max-requests", type=int, default=20000, help="end a stage after this many requests")
    parser.add_argument("--think", default="1,5", help="pause between journeys: least,most seconds (default 1,5)")
    parser.add_argument("--server-pid", type=int, help="gunicorn's master process, to report its CPU use")
    parser.add_argument("--worker-pid", type=int, help="the background worker's process, to report its CPU use")
    parser.add_argument("--saturation-seconds", type=float, default=20, help="the no-pause stage (0: skip)")
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    if url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The load run is for loopback only.")
    stages = [int(users) for users in args.users.split(",")]
    django_setup()
    target = prepare(max(stages))
    wait_until_up(url.hostname, url.port)
    print(f"\nSigning in {max(stages)} people at {args.url} (not timed)", flush=True)
    people = [Person(url.hostname, url.port, username) for username in target.writable]
    for person in people:
        person.sign_in()
    entries = []
    think = tuple(float(bound) for bound in args.think.split(","))
    runs = [(users, think, args.seconds) for users in stages]
    if args.saturation_seconds:
        runs.append((max(stages), None, args.saturation_seconds))
    for users, think, seconds in runs:
        stage = Stage(
            name="load" if think else "load_saturation",
            users=users,
            seconds=seconds,
            max_requests=args.max_requests,
            think=think,
            target=target,
            people=people,
            server_pid=args.server_pid,
            worker_pid=args.worker_pid,
        )
        entries.append(summary(stage.run()))
    results_write(results_read() + entries)


if __name__ == "__main__":
    main()
