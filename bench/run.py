"""`make bench`: fill (once), copy, serve, measure, report. See the README's Benchmark section.

    python -m bench.run [--children N] [--seconds S] [--connections C] [--only report]

1. A template database per size (met_bench_template_<N>), filled once by bench/fill.py and kept.
2. Each run gets a fresh copy (CREATE DATABASE … TEMPLATE), so every run starts from the same state;
   on a later day than the fill, every date in the copy moves forward by the whole days between.
3. Last month's MACE report, built and rendered in-process (aggregation and PDF timed apart).
4. gunicorn, 2 workers, production settings less TLS, serving bench.settings (met's URLs plus an
   empty view); each page measured with wrk right after the empty view, as the coordinator and as a
   police practitioner, every URL checked for a 200 first.
5. The sweeps over the due items, twice, in-process.
6. One table, printed and written to var/bench/results-<timestamp>.md and var/bench/latest.md.
"""

import argparse
import fcntl
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PY = sys.executable
TARGET_RATIO = 0.20
TARGET_P95_MS = 500
TARGET_REPORT_S = 10
TARGET_SWEEP_S = 30
# Never moved forward: the audit trail refuses UPDATE (a trigger), and sessions are made per run.
NOT_SHIFTED = {"met_auditevent", "auditlog_logentry", "django_session", "django_migrations", "axes_accessattempt"}


def london_today() -> date:
    """The app's today (TIME_ZONE Europe/London), whatever the machine's time zone."""
    return datetime.now(ZoneInfo("Europe/London")).date()


def say(message: str) -> None:
    print(message, flush=True)


def fail(message: str) -> None:
    say(f"\nmake bench: {message}")
    raise SystemExit(1)


# --- PostgreSQL ---------------------------------------------------------------------------------


class Postgres:
    def __init__(self, server: str):
        self.server = server.rstrip("/")

    def url(self, database: str) -> str:
        return f"{self.server}/{database}"

    def admin(self):
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def exists(self, name: str) -> bool:
        with self.admin() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

    def comment(self, name: str) -> dict | None:
        with self.admin() as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
        try:
            return json.loads(row[0]) if row and row[0] else None
        except ValueError:
            return None

    def set_comment(self, name: str, value: dict) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), json.dumps(value)))

    def drop(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def create(self, name: str, template: str | None = None) -> None:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        with self.admin() as conn:
            conn.execute(query)

    def vacuum_analyze(self, name: str) -> None:
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    def analyze(self, name: str) -> None:
        with psycopg.connect(self.url(name), autocommit=True) as conn:
            conn.execute("ANALYZE")

    def shift_dates(self, name: str, days: int) -> int:
        """Every date and timestamp in the copy moves forward by `days` whole days, in one UPDATE per
        table. Columns under a unique index go far ahead and back, so that no row meets another's old
        value on the way (weekly meetings are unique by date)."""
        with psycopg.connect(self.url(name), autocommit=False) as conn:
            conn.execute("SET TIME ZONE 'Europe/London'")
            columns = conn.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND data_type IN ('date', 'timestamp with time zone') "
                "ORDER BY table_name, column_name"
            ).fetchall()
            unique = {
                (table, column)
                for table, column in conn.execute(
                    "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) WHERE i.indisunique"
                ).fetchall()
            }
            tables: dict[str, list[tuple[str, str]]] = {}
            for table, column, kind in columns:
                if table not in NOT_SHIFTED:
                    tables.setdefault(table, []).append((column, kind))

            def moved(column: str, kind: str, by: int):
                if kind == "date":
                    return sql.SQL("{} = {} + {}").format(
                        sql.Identifier(column), sql.Identifier(column), sql.Literal(by)
                    )
                return sql.SQL("{} = {} + make_interval(days => {})").format(
                    sql.Identifier(column), sql.Identifier(column), sql.Literal(by)
                )

            for table, cols in tables.items():
                far = 40_000 if any((table, c) in unique for c, _ in cols) else 0
                steps = [days + far, -far] if far else [days]
                for by in steps:
                    conn.execute(
                        sql.SQL("UPDATE {} SET {}").format(
                            sql.Identifier(table), sql.SQL(", ").join(moved(c, k, by) for c, k in cols)
                        )
                    )
            conn.commit()
        return len(tables)


# --- processes --------------------------------------------------------------------------------


def bench_env(database_url: str, secret: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_SECRET_KEY": secret,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Reminders' e-mails are rendered and "sent" in memory: no SMTP server in the timings.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # The sessions made before the first page must outlive a full run at 16 connections.
            "MET_SESSION_IDLE_MINUTES": "480",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    )
    env.pop("DJANGO_RUNSERVER_HIDE_WARNING", None)
    # Production's two-factor rule, whatever the calling shell says (the test settings turn it off).
    env["MET_REQUIRE_2FA"] = "1"
    return env


def task(env: dict, *args: str, log: Path) -> dict:
    """Run `python -m bench.tasks …`, its output teed to the log; returns its BENCH-JSON line."""
    with log.open("a") as out:
        out.write(f"\n$ python -m bench.tasks {' '.join(args)}\n")
        out.flush()
        proc = subprocess.Popen(  # noqa: S603
            [PY, "-m", "bench.tasks", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=out, text=True
        )
        result = None
        for line in proc.stdout:
            out.write(line)
            out.flush()
            if line.startswith("BENCH-JSON "):
                result = json.loads(line[len("BENCH-JSON ") :])
            elif line.strip():
                say(f"    {line.rstrip()}")
        if proc.wait() != 0 or result is None:
            fail(f"`python -m bench.tasks {' '.join(args)}` failed; its output is in {log}.")
    return result


def manage(env: dict, *args: str, log: Path) -> None:
    with log.open("a") as out:
        out.write(f"\n$ manage.py {' '.join(args)}\n")
        out.flush()
        if subprocess.call([PY, "manage.py", *args], cwd=ROOT, env=env, stdout=out, stderr=out) != 0:  # noqa: S603
            fail(f"`manage.py {' '.join(args)}` failed; its output is in {log}.")


class Server:
    def __init__(self, env: dict, port: int, log: Path):
        self.base = f"http://127.0.0.1:{port}"
        self.log = log.open("a")
        self.proc = subprocess.Popen(  # noqa: S603
            [
                str(Path(PY).parent / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "met.wsgi:application",
            ],
            cwd=ROOT,
            env={**env, "WEB_CONCURRENCY": "2"},
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        for _ in range(300):
            if self.proc.poll() is not None:
                fail(f"gunicorn stopped at start-up; see {log}.")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):  # noqa: S310
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        fail(f"gunicorn did not answer /healthz within a minute; see {log}.")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(base: str, url: str, session: str) -> tuple[int, int]:
    """One plain request: (status, bytes). A redirect is reported as itself, not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(base + url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def settle(base: str) -> None:
    """Wait until the server has worked off what the last run left queued: wrk stops at its duration,
    but requests already sent are still answered, and would slow the start of the next measurement."""
    quick = 0
    deadline = time.monotonic() + 300
    while quick < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=120):  # noqa: S310
                pass
        except (urllib.error.URLError, OSError):
            pass
        quick = quick + 1 if time.monotonic() - started < 0.2 else 0


def wrk(base: str, url: str, session: str, *, seconds: int, connections: int) -> dict:
    command = [
        "wrk",
        f"-t{min(connections, os.cpu_count() or 1)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "-s",
        str(ROOT / "bench" / "wrk.lua"),
        "-H",
        f"Cookie: sessionid={session}",
        base + url,
    ]
    settle(base)
    out = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH-WRK ")), None)
    if line is None:
        fail(f"wrk gave no result for {url}:\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[len("BENCH-WRK ") :])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
    r["errors"] = r["non2xx"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
    return r


def meets(page: dict, ratio: float) -> bool:
    return (
        page["requests"] > 0 and ratio >= TARGET_RATIO and page["p95_us"] < TARGET_P95_MS * 1000 and not page["errors"]
    )


# --- the machine -------------------------------------------------------------------------------


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def busiest(exclude: set[int]) -> str:
    """Other processes using the CPUs (ps's %CPU: over each one's lifetime), the bench's own left out."""
    out = subprocess.run(
        ["ps", "-eo", "pid,pgid,pcpu,comm", "--sort=-pcpu", "--no-headers"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    rows = []
    for line in out.splitlines():
        pid, group, cpu, comm = line.split(None, 3)
        if int(pid) not in exclude and int(group) not in exclude and float(cpu) >= 5.0:
            rows.append(f"{comm} {cpu}%")
    return ", ".join(rows[:6]) or "nothing above 5% CPU"


def git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S607
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    return (out.stdout.strip() or "unknown") + (f" with {len(dirty)} changed files not committed" if dirty else "")


# --- the run -----------------------------------------------------------------------------------


def ms(us: float) -> str:
    return f"{us / 1000:.0f} ms" if us < 10_000_000 else f"{us / 1e6:.1f} s"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def fill_fingerprint() -> str:
    """What made a template: a change to the generator fills it again rather than measure stale data."""
    return hashlib.sha256((ROOT / "bench" / "fill.py").read_bytes()).hexdigest()


def template(pg: Postgres, name: str, children: int, env: dict, log: Path, refill: bool) -> dict:
    meta = pg.comment(name) if pg.exists(name) else None
    if meta and meta.get("complete") and meta.get("fill_sha256") != fill_fingerprint() and not refill:
        say(f"Template {name}: bench/fill.py has changed since it was filled, so it is filled again.")
        refill = True
    if meta and meta.get("complete") and not refill:
        say(f"Template {name}: filled {meta['filled_at']} in {meta['fill_seconds']:.0f} s (kept; FILL=1 to refill).")
        return meta
    say(f"Template {name}: creating and filling to {children:,} children (once; minutes at full size)…")
    pg.drop(name)
    pg.create(name)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0", log=log)
    result = task(env, "fill", str(children), log=log)
    say("  VACUUM ANALYZE…")
    pg.vacuum_analyze(name)
    meta = {
        "complete": True,
        "children": children,
        "filled_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "fill_date": result["today"],
        "fill_seconds": time.perf_counter() - started,
        "fill_sha256": fill_fingerprint(),
        "counts": result["counts"],
        "volumes": result["volumes"],
    }
    pg.set_comment(name, meta)
    say(f"  filled in {meta['fill_seconds']:.0f} s.")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="met_bench", help="the per-run copy (dropped and made again)")
    parser.add_argument("--template-prefix", default="met_bench_template")
    parser.add_argument("--refill", action="store_true", help="fill the template again")
    parser.add_argument(
        "--only", choices=["fill", "report"], help="only fill the template, or only the monthly report (bench-reports)"
    )
    parser.add_argument(
        "--pages",
        action="append",
        help="only pages whose label contains this (case-insensitive); give it again for more pages",
    )
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="list pages that do not answer 200 as failed and measure the rest, rather than stop",
    )
    args = parser.parse_args()

    began = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    lock = (OUT / ".lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fail("another `make bench` is running on this machine (var/bench/.lock); wait for it to finish.")
    if args.only is None and shutil.which("wrk") is None:
        fail("wrk is not installed. On Debian: apt-get install wrk (as root), then run make bench again.")

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log = OUT / f"run-{stamp}.log"
    pg = Postgres(args.server)
    try:
        with pg.admin():
            pass
    except psycopg.OperationalError as error:
        fail(f"cannot reach PostgreSQL at {args.server} ({error}).")
    secret = secrets.token_urlsafe(50)
    template_name = f"{args.template_prefix}_{args.children}"
    meta = template(pg, template_name, args.children, bench_env(pg.url(template_name), secret), log, args.refill)
    if args.only == "fill":
        return

    say(f"Fresh copy {args.database} from {template_name}…")
    pg.drop(args.database)
    pg.create(args.database, template=template_name)
    env = bench_env(pg.url(args.database), secret)
    # Migrations added since the fill (an index, say) apply to the copy; the template stays as filled.
    manage(env, "migrate", "--noinput", "-v0", log=log)
    days = (london_today() - date.fromisoformat(meta["fill_date"])).days
    if days > 0:
        say(f"  moving every date forward {days} day(s), as if filled today…")
        pg.shift_dates(args.database, days)
        pg.vacuum_analyze(args.database)
    else:
        # A column a migration added since the fill has no statistics until autovacuum comes round;
        # a live database would have them by the time it is busy.
        pg.analyze(args.database)

    say("Monthly MACE report for last month, in-process…")
    report = task(env, "report", log=log)
    say(
        f"  {report['period']}: aggregation {report['aggregation_seconds']:.1f} s, PDF {report['pdf_seconds']:.1f} s "
        f"({report['pdf_bytes'] / 1e6:.2f} MB, {report['stuck_cases']:,} stuck cases)"
    )
    strategic = report["strategic"]
    say(
        f"  strategic report of every area, {strategic['period']}: aggregation {strategic['aggregation_seconds']:.1f} s, "
        f"PDF {strategic['pdf_seconds']:.1f} s ({strategic['pdf_bytes'] / 1e6:.2f} MB)"
    )
    if args.only == "report":
        return

    prepared = task(env, "prepare", log=log)
    due = task(env, "due", log=log)
    say(
        f"  due for the sweeps: {due['total']:,} items {due['items']}, {due['expected_reminders']:,} reminders expected"
    )
    manage(env, "collectstatic", "--noinput", "-v0", log=log)

    say(f"gunicorn (2 workers) on 127.0.0.1:{args.port}, production settings less TLS…")
    server = Server(env, args.port, log)
    rows = []
    load_before = loadavg()
    others = busiest({os.getpid(), os.getpgid(0), server.proc.pid})
    try:
        pages = [
            p for p in prepared["pages"] if not args.pages or any(want.lower() in p[1].lower() for want in args.pages)
        ]
        problems, broken = [], {}
        for role, label, url in [(r, "empty view", prepared["empty"]) for r in prepared["sessions"]] + pages:
            status, size = check(server.base, url, prepared["sessions"][role])
            if status != 200:
                problems.append(f"{role}: {label} {url} answered {status}")
                broken[(role, url)] = status
            else:
                say(f"  200 {size:>8,} B  {role}: {label}")
        if problems and (not args.keep_going or prepared["empty"] in {url for _, url in broken}):
            fail("these pages do not answer 200 with a plain request (see the log):\n  " + "\n  ".join(problems))
        for problem in problems:
            say(f"  ✗ {problem}: not measured (--keep-going)")
        say(
            f"Measuring {len(pages)} pages, {args.seconds} s each right after the empty view, {args.connections} connections…"
        )
        for role, label, url in pages:
            if (role, url) in broken:
                rows.append({"role": role, "page": label, "url": url, "broken": broken[(role, url)]})
                continue
            session = prepared["sessions"][role]
            empty = wrk(server.base, prepared["empty"], session, seconds=args.seconds, connections=args.connections)
            page = wrk(server.base, url, session, seconds=args.seconds, connections=args.connections)
            ratio = page["rps"] / empty["rps"] if empty["rps"] else 0.0
            rows.append({"role": role, "page": label, "url": url, "page_result": page, "empty": empty, "ratio": ratio})
            ok = meets(page, ratio)
            say(
                f"  {mark(ok)} {role:<11} {label:<45} {page['rps']:7.1f} req/s  p50 {ms(page['p50_us']):>7}  "
                f"p95 {ms(page['p95_us']):>7}  non-2xx {page['errors']:<5} ratio {ratio:.2f} (empty {empty['rps']:.0f}/s)"
            )
    finally:
        load_after = loadavg()
        server.stop()

    say("Sweeps over the due items, twice, in-process…")
    swept = task(env, "sweeps", log=log)
    # What was due when the sweeps ran, not before the pages: a run that crosses midnight has a new
    # day's items due by then (one did: 14,853 reminders sent against 12,446 counted ten minutes before).
    due = swept["due"]
    for n, run in enumerate(swept["runs"], start=1):
        say(f"  run {n}: {run['seconds']:.1f} s, {run['reminders_sent']:,} reminders sent")

    total = time.perf_counter() - began
    text = results(
        args=args,
        meta=meta,
        prepared=prepared,
        rows=rows,
        report=report,
        due=due,
        swept=swept,
        load=(load_before, load_after),
        others=others,
        total=total,
        days=days,
    )
    (OUT / f"results-{stamp}.md").write_text(text)
    (OUT / "latest.md").write_text(text)
    say("\n" + text)
    say(f"Written to var/bench/results-{stamp}.md and var/bench/latest.md (log: {log.relative_to(ROOT)}).")


def results(*, args, meta, prepared, rows, report, due, swept, load, others, total, days) -> str:
    c = meta["counts"]
    lines = [
        f"# MET Hub bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} {platform.release()}",
        f"- Commit: {git_commit()}",
        f"- Load average (1, 5, 15 min) before the pages: {load[0]}; after: {load[1]}. Busiest other processes at the start: {others}.",
        f"- Data ({meta.get('children'):,} children; template filled {meta['filled_at']} in {meta['fill_seconds']:.0f} s"
        + (f", dates moved forward {days} day(s)" if days else "")
        + f"): {c['cases']:,} cases ({c['open_cases']:,} open), {c['missing_episodes']:,} missing episodes, "
        f"{c['assessments']:,} SERAF assessments ({c['risk_history']:,} risk changes), {c['actions']:,} actions, "
        f"{c['meetings']:,} meetings ({c['agenda_items']:,} agenda items), {c['concerns']:,} concerns "
        f"({c['untriaged_concerns']:,} untriaged), {c['restricted_cases']:,} restricted cases, "
        f"{c['agencies_involved']:,} agency involvements, {c['group_permissions']:,} agency and "
        f"{c['user_permissions']:,} personal permission rows, {c['users']:,} accounts, "
        f"{c.get('earlier_reminders', 0):,} reminders sent by earlier sweeps.",
        f"- The police practitioner sees {prepared['facts']['police_visible_cases']:,} cases; the case page is case "
        f"{prepared['facts']['case']['id']} ({prepared['facts']['case']['episodes']} episodes, "
        f"{prepared['facts']['case']['assessments']} assessments, {prepared['facts']['case']['actions']} actions); "
        f"the name search matches {prepared['facts']['search_matches']:,} children.",
        f"- Server: gunicorn, 2 workers, DJANGO_DEBUG off, no TLS; wrk {args.connections} connections, "
        f"{args.seconds} s per page, each page right after the empty view (same middleware, signed in).",
        f"- Whole run: {total / 60:.1f} min.",
        "",
        f"Targets: ratio ≥ {TARGET_RATIO:.2f} and p95 < {TARGET_P95_MS} ms with no non-2xx; report (aggregation + PDF) "
        f"< {TARGET_REPORT_S} s; sweep < {TARGET_SWEEP_S} s. ✓ met, ✗ not met.",
        "",
        "| page | role | req/s | p50 | p95 | p99 | non-2xx | empty req/s | ratio to empty | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|:-:|",
    ]
    for row in rows:
        if "broken" in row:
            lines.append(f"| {row['page']} | {row['role']} | answered {row['broken']}: not measured | | | | | | | ✗ |")
            continue
        p = row["page_result"]
        ok = meets(p, row["ratio"])
        lines.append(
            f"| {row['page']} | {row['role']} | {p['rps']:.1f} | {ms(p['p50_us'])} | {ms(p['p95_us'])} | "
            f"{ms(p['p99_us'])} | {p['errors']} | {row['empty']['rps']:.0f} | {row['ratio']:.2f} | {mark(ok)} |"
        )
    report_total = report["aggregation_seconds"] + report["pdf_seconds"]
    lines += [
        "",
        f"**Monthly MACE report** ({report['period']}): aggregation {report['aggregation_seconds']:.1f} s "
        f"(this month and the previous one, as a build does), PDF {report['pdf_seconds']:.1f} s "
        f"({report['pdf_bytes'] / 1e6:.2f} MB, {report['stuck_cases']:,} stuck cases): "
        f"total {report_total:.1f} s {mark(report_total < TARGET_REPORT_S)}",
        "",
        f"**Strategic report of every area** ({report['strategic']['period']}, both areas' children): aggregation "
        f"{report['strategic']['aggregation_seconds']:.1f} s, PDF {report['strategic']['pdf_seconds']:.1f} s "
        f"({report['strategic']['pdf_bytes'] / 1e6:.2f} MB): total "
        f"{(strategic_total := report['strategic']['aggregation_seconds'] + report['strategic']['pdf_seconds']):.1f} s "
        f"{mark(strategic_total < TARGET_REPORT_S)}",
        "",
        f"**Sweeps** over {due['total']:,} due items ({', '.join(f'{k} {n:,}' for k, n in due['items'].items())}); "
        f"{due['expected_reminders']:,} reminders expected by the rules:",
        "",
        "| run | seconds | reminders sent | per sweep (result, seconds) | deliver_due | target |",
        "|---|---:|---:|---|---|:-:|",
    ]
    for n, run in enumerate(swept["runs"], start=1):
        per = ", ".join(f"{k} {s['result']:,} in {s['seconds']:.1f} s" for k, s in run["sweeps"].items())
        lines.append(
            f"| {n} | {run['seconds']:.1f} | {run['reminders_sent']:,} | {per} | "
            f"{run['deliver_due']['sent']} in {run['deliver_due']['seconds']:.1f} s | {mark(run['seconds'] < TARGET_SWEEP_S)} |"
        )
    first, second = swept["runs"]
    once = (
        first["reminders_sent"] == due["expected_reminders"]
        and second["reminders_sent"] == 0
        and swept["reminders"]["rows"] == swept["reminders"]["distinct"]
    )
    lines += [
        "",
        f"Each reminder once: first run {first['reminders_sent']:,} of {due['expected_reminders']:,} expected, "
        f"second run {second['reminders_sent']:,}; {swept['reminders']['rows']:,} reminder rows for "
        f"{swept['reminders']['distinct']:,} distinct (kind, object, key, recipient) {mark(once)}",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
