"""Load bench: gunicorn on loopback, N simulated users running the platform's real mix, then the
consistency checks.

    .venv/bin/python bench/load.py --db postgresql --users 50 --duration 120   # 4 workers
    .venv/bin/python bench/load.py --db sqlite                                 # WORKERS=2 (Makefile)

A small asyncio/aiohttp driver (lighter on the shared 2 cores than locust's gevent, and every
figure is ours to explain). Users are of two kinds:

- **readers** (4 in 5): case list and case page (UI and API), consultation, precedent search
  (UI and API), expert list — with a think time between requests;
- **workflow users** (1 in 5) run whole consultations through the API: the agency registers a
  case and asks for a consultation, the officer draws the panel, the experts accept, the meeting
  is recorded and minuted, the chair drafts the opinion, then **three saves race with the same
  version** (the optimistic-version protocol: one wins, the others get 409 ``stale_version``),
  every member signs and the officer issues it (number, PDF, signature).

Afterwards: every 5xx is counted (must be 0); each opinion's final version must equal 1 + the
saves that succeeded and carry the winner's text (no lost update); the document numbers of every
office and year must be 1..n without a gap or duplicate and match the counter; `flask audit
verify` must pass. Exit status 1 when any check fails. ``--json FILE`` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadkit import DEMO_PASSWORD, Instance

# Baseline (../shared/architecture.md): 2 sync workers on SQLite, 50 users, list and detail pages
# only, quiet machine: 249 requests/s, p95 364 ms. Our mix also writes, signs and issues.
BASELINE_RPS, BASELINE_P95_MS = 249.0, 364.0
WORKERS = {"postgresql": 4, "sqlite": 2}  # SQLite: the Makefile's WORKERS (one writer at a time)
POOLS = {"nj": ("nj_officer", "nj_agency", "320100", "320102"), "hz": ("hz_officer", "hz_agency", "330100", "330102")}
SEARCH_WORDS = ["征收", "补偿", "劳动", "工伤", "信访", "拆迁", "社保", "物业", "调解", "复核"]
_ID_RE = re.compile(r"/\d+")
_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def id_number(serial: int) -> str:
    """A valid 18-digit resident ID (GB 11643 check digit) for a fictional petitioner."""
    body = f"320102198{serial % 10}0{1 + serial % 9}1{serial % 10}{serial % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


class Stats:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.status: dict[int, int] = defaultdict(int)
        self.errors_5xx: list[str] = []
        self.transport_errors: list[str] = []
        self.measuring = False

    def add(self, route: str, status: int, seconds: float, body: str = "") -> None:
        if not self.measuring:
            return
        self.times[route].append(seconds)
        self.status[status] += 1
        if status >= 500:
            self.errors_5xx.append(f"{status} {route}: {body[:200]}")


class Client:
    """One simulated user's connection: bearer token for the API or a signed-in UI session."""

    def __init__(self, http: aiohttp.ClientSession, base: str, stats: Stats, token: str | None = None):
        self.http, self.base, self.stats, self.token = http, base, stats, token

    async def call(self, method: str, path: str, *, json_body=None, expect=(200, 201), route: str | None = None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        route = route or f"{method} {_ID_RE.sub('/{id}', path.split('?')[0])}"
        started = time.perf_counter()
        try:
            async with self.http.request(method, self.base + path, json=json_body, headers=headers,
                                         allow_redirects=False) as resp:
                text = await resp.text()
                status = resp.status
        except (TimeoutError, aiohttp.ClientError) as err:
            if self.stats.measuring:
                self.stats.transport_errors.append(f"{route}: {err!r}")
            raise
        self.stats.add(route, status, time.perf_counter() - started, text)
        data = None
        if text and resp.content_type == "application/json":
            data = json.loads(text)
        if expect and status not in expect:
            raise Unexpected(route, status, text)
        return status, data


class Unexpected(Exception):
    def __init__(self, route: str, status: int, body: str):
        super().__init__(f"{route} → {status}: {body[:300]}")
        self.status = status


async def api_login(http, base, stats, username: str, password: str = DEMO_PASSWORD) -> tuple[Client, dict]:
    anon = Client(http, base, stats)
    _, body = await anon.call("POST", "/api/v1/auth/token", json_body={"username": username, "password": password})
    return Client(http, base, stats, body["token"]), body["user"]


async def ui_login(base, stats, username: str) -> Client:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get(base + "/login") as resp:
        csrf = _CSRF_RE.search(await resp.text())
    form = {"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf.group(1) if csrf else ""}
    async with http.post(base + "/login", data=form, allow_redirects=False) as resp:
        if resp.status != 302:
            raise RuntimeError(f"UI sign-in of {username} failed: {resp.status}")
    return Client(http, base, stats)


# ---------------------------------------------------------------------- set-up (not measured)


class Experts:
    """Signed-in clients for the experts of the two municipal pools the workflow draws from,
    signed in on first need (an account is made through the API for experts the demo left
    without one)."""

    def __init__(self, http, base, stats, inst: Instance, admin: Client):
        from sqlalchemy import text

        self.http, self.base, self.stats, self.admin = http, base, stats, admin
        with inst.engine().connect() as conn:
            rows = conn.execute(text(
                "SELECT e.id, e.name, u.username FROM experts e LEFT JOIN users u ON u.expert_id = e.id "
                "WHERE e.tier = 'municipal' AND e.region_code IN ('320100', '330100')")).all()
        self.accounts = {row[0]: (row[1], row[2]) for row in rows}
        self.clients: dict[int, Client] = {}
        self.locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def __call__(self, expert_id: int) -> Client:
        async with self.locks[expert_id]:
            if expert_id not in self.clients:
                name, username = self.accounts[expert_id]
                if username is None:
                    username = f"loadexpert{expert_id}"
                    await self.admin.call("POST", "/api/v1/users", json_body={
                        "username": username, "password": DEMO_PASSWORD, "display_name": name, "role": "expert",
                        "expert_id": expert_id})
                self.clients[expert_id], _ = await api_login(self.http, self.base, self.stats, username)
            return self.clients[expert_id]


# ---------------------------------------------------------------------- the simulated users


class Run:
    def __init__(self, inst: Instance, stats: Stats, think: float):
        self.inst, self.stats, self.think = inst, stats, think
        self.case_ids: list[int] = []
        self.consultation_ids: list[int] = []
        self.opinions: dict[int, dict] = {}  # id → {"saves_ok", "winner_text"}
        self.issued: list[str] = []
        self.workflow_errors: list[str] = []
        self.draws_refused: list[dict] = []
        self.serial = 0
        self.stop_at = 0.0

    async def pause(self) -> None:
        await asyncio.sleep(random.uniform(0.2, 1.8) * self.think)

    async def reader(self, api: Client, ui: Client) -> None:
        while time.monotonic() < self.stop_at:
            case_id = random.choice(self.case_ids)
            action = random.random()
            word = random.choice(SEARCH_WORDS)
            try:
                if action < 0.2:
                    await ui.call("GET", "/cases?page=1", route="GET /cases (UI)")
                elif action < 0.35:
                    await ui.call("GET", f"/cases/{case_id}", route="GET /cases/{id} (UI)", expect=(200, 404))
                elif action < 0.5:
                    await api.call("GET", f"/api/v1/cases?page={random.randint(1, 2)}&per_page=20")
                elif action < 0.6:
                    await api.call("GET", f"/api/v1/cases/{case_id}", expect=(200, 404))
                elif action < 0.7:
                    cid = random.choice(self.consultation_ids)
                    await api.call("GET", f"/api/v1/consultations/{cid}", expect=(200, 404))
                elif action < 0.85:
                    await api.call("GET", f"/api/v1/search/opinions?q={word}&per_page=20")
                elif action < 0.93:
                    await ui.call("GET", f"/opinions?q={word}", route="GET /opinions search (UI)")
                else:
                    await api.call("GET", "/api/v1/experts?tier=municipal&region_code=320100&per_page=50")
            except (TimeoutError, Unexpected, aiohttp.ClientError):
                pass  # counted in Stats; readers carry on
            await self.pause()

    async def workflow(self, pool: str, officer: Client, agency: Client, agency_org: int, experts: Experts):
        while time.monotonic() < self.stop_at:
            try:
                await self.one_consultation(pool, officer, agency, agency_org, experts)
            except (TimeoutError, Unexpected, aiohttp.ClientError) as err:
                self.workflow_errors.append(str(err))
                await asyncio.sleep(0.5)

    async def one_consultation(self, pool, officer: Client, agency: Client, agency_org: int, experts) -> None:
        _, _, _, region = POOLS[pool]
        self.serial += 1
        n = self.serial
        _, case = await agency.call("POST", "/api/v1/cases", json_body={
            "title": f"压测小区征收补偿信访事项{n}", "summary": "信访人反映房屋被征收后补偿标准偏低，多次到市信访局走访。",
            "claims": "要求按市场评估价补偿", "category": "land_expropriation", "region_code": region,
            "handling_org_id": agency_org, "cooperating_org_ids": [],
            "petitioners": [{"name": "刘某某", "id_number": id_number(n), "phone": f"139{n:08d}",
                             "address": "某市某区某路1号"}],
            "first_petition_date": "2025-03-01", "repeat_letters": 1, "repeat_visits": 2, "repeat_online": 0,
            "cross_flags": [], "responsible_leader": "李副区长", "is_backlog": True})
        self.case_ids.append(case["id"])
        _, c = await agency.call("POST", f"/api/v1/cases/{case['id']}/consultations", json_body={
            "questions": "征收补偿标准是否合法？应如何处理？",
            "required_specialties": ["administrative_law", "civil_law", "land_property_law", "petition_policy"],
            "panel_size": 3, "urgency": "normal"})
        cid = c["id"]
        self.consultation_ids.append(cid)
        await self.pause()
        status, panel = await officer.call("POST", f"/api/v1/consultations/{cid}/panel", json_body={"reserves": 2},
                                           expect=(201, 422))
        if status == 422:  # pool exhausted for now (a documented answer): let others finish first
            self.draws_refused.append(panel["error"]["details"])
            await asyncio.sleep(2)
            return
        members = [m["expert_id"] for m in panel["members"]]
        chair = next(m["expert_id"] for m in panel["members"] if m["role"] == "chair")
        for eid in members:
            await (await experts(eid)).call("POST", f"/api/v1/consultations/{cid}/invitations/{eid}",
                                    json_body={"response": "accept"}, route="POST /consultations/{id}/invitations")
        meeting = await self.record_meeting(officer, cid)
        await officer.call("POST", f"/api/v1/meetings/{meeting}/minutes",
                           json_body={"text": "专家组就征收补偿标准进行了讨论，形成一致意见。", "attendee_expert_ids": members})
        await self.pause()
        body = {"basic_facts": "区人民政府作出征收补偿决定，信访人未申请复议。", "findings": "补偿标准依据已公布的标准确定。",
                "analysis": "依据《国有土地上房屋征收与补偿条例》，补偿标准不低于类似房地产市场价格。",
                "conclusion": "claim_partly_reasonable", "recommendations": ["explain_and_educate", "legal_channel"],
                "legal_basis": ["信访工作条例第33条"]}
        _, op = await (await experts(chair)).call("POST", f"/api/v1/consultations/{cid}/opinion", json_body=body)
        oid, record = op["id"], {"saves_ok": 0, "winner_text": body["analysis"]}
        self.opinions[oid] = record
        # Three editors save the same version at once: the optimistic-version protocol lets one win.
        version = op["version"]
        texts = [f"{body['analysis']}（第{k}位编辑的修改，{n}）" for k in range(3)]
        chair_client = await experts(chair)
        results = await asyncio.gather(*(chair_client.call(
            "PUT", f"/api/v1/opinions/{oid}", json_body={**body, "analysis": t, "version": version},
            expect=(200, 409)) for t in texts))
        for (status, data), t in zip(results, texts, strict=True):
            if status == 200:
                record["saves_ok"] += 1
                record["winner_text"] = t
            elif data["error"]["code"] != "stale_version":
                raise Unexpected("PUT /api/v1/opinions/{id}", status, json.dumps(data, ensure_ascii=False))
        await self.pause()
        for eid in members:
            await (await experts(eid)).call("POST", f"/api/v1/opinions/{oid}/signatures", json_body={})
        _, issued = await officer.call("POST", f"/api/v1/opinions/{oid}/issue")
        self.issued.append(issued["number"])

    async def record_meeting(self, officer: Client, cid: int) -> int:
        """A meeting held on the last working day (held meetings are recorded afterwards)."""
        day = date.today()
        for _ in range(12):
            day -= timedelta(days=1)
            status, data = await officer.call("POST", f"/api/v1/consultations/{cid}/meetings", expect=(201, 422), json_body={
                "start": datetime(day.year, day.month, day.day, 9, 30).isoformat() + "+08:00", "duration_minutes": 90,
                "mode": "onsite", "location": "市信访局第一会议室", "held": True})
            if status == 201:
                return data["id"]
        raise RuntimeError("no working day found for the held meeting")


# ---------------------------------------------------------------------- checks


async def lost_updates(run: Run, reader: Client) -> list[str]:
    problems = []
    for oid, record in run.opinions.items():
        _, op = await reader.call("GET", f"/api/v1/opinions/{oid}", route="check")
        if record["saves_ok"] != 1:
            problems.append(f"opinion {oid}: {record['saves_ok']} of 3 racing saves succeeded (expected exactly 1)")
        if op["version"] != 1 + record["saves_ok"]:
            problems.append(f"opinion {oid}: version {op['version']} after {record['saves_ok']} successful saves")
        if op["analysis"] != record["winner_text"]:
            problems.append(f"opinion {oid}: the text is not the successful save's")
    return problems


def number_gaps(inst: Instance) -> tuple[list[str], int]:
    """Every office's numbers of a year are 1..n (no gap, no duplicate) and the counter says n."""
    from sqlalchemy import text

    problems = []
    with inst.engine().connect() as conn:
        rows = conn.execute(text("SELECT issuing_office_id, number_year, number_seq, number FROM opinions "
                                 "WHERE number IS NOT NULL")).all()
        counters = dict(conn.execute(text("SELECT name, value FROM sequences WHERE name LIKE 'opinion:%'")).all())
    by_office = defaultdict(list)
    for office, year, seq, number in rows:
        by_office[(office, year)].append(seq)
        if not number.endswith(f"{seq}号"):
            problems.append(f"{number} does not end with its sequence {seq}")
    if len({r[3] for r in rows}) != len(rows):
        problems.append("duplicate document numbers")
    for (office, year), seqs in by_office.items():
        if sorted(seqs) != list(range(1, len(seqs) + 1)):
            problems.append(f"office {office}, {year}: numbers {sorted(seqs)} are not 1..{len(seqs)}")
        counter = counters.get(f"opinion:{office}:{year}")
        if counter != len(seqs):
            problems.append(f"office {office}, {year}: counter {counter} but {len(seqs)} issued")
    return problems, len(rows)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------- main


async def drive(inst: Instance, users: int, duration: float, think: float) -> dict:
    stats = Stats()
    run = Run(inst, stats, think)
    timeout = aiohttp.ClientTimeout(total=120)
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=conn) as http:
        base = inst.base_url
        signin_started = time.monotonic()
        admin, _ = await api_login(http, base, stats, "admin")
        experts = Experts(http, base, stats, inst, admin)
        staff = {}
        for pool, (officer_name, agency_name, *_rest) in POOLS.items():
            officer, _ = await api_login(http, base, stats, officer_name)
            agency, agency_user = await api_login(http, base, stats, agency_name)
            staff[pool] = (officer, agency, agency_user["organization_id"])
        _, cases = await staff["nj"][0].call("GET", "/api/v1/cases?per_page=100")
        run.case_ids = [c["id"] for c in cases["items"]]
        _, consultations = await staff["nj"][0].call("GET", "/api/v1/consultations?per_page=100", expect=(200, 404, 405))
        run.consultation_ids = [c["id"] for c in (consultations or {}).get("items", [])] or [1]
        n_workflow = max(2, users // 5)
        readers = []
        for _ in range(users - n_workflow):
            name = random.choice(["nj_officer", "hz_officer", "js_officer", "nj_agency", "admin"])
            api, _ = await api_login(http, base, stats, name)
            readers.append((api, await ui_login(base, stats, name)))
        print(f"users signed in after {time.monotonic() - signin_started:.1f} s", flush=True)
        stats.measuring = True
        started = time.monotonic()
        run.stop_at = started + duration
        tasks = [run.reader(api, ui) for api, ui in readers]
        pools = list(POOLS)
        for i in range(n_workflow):
            officer, agency, org = staff[pools[i % 2]]
            tasks.append(run.workflow(pools[i % 2], officer, agency, org, experts))
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
        stats.measuring = False
        for _, ui in readers:
            await ui.http.close()
        updates = await lost_updates(run, admin)
    gaps, numbered = number_gaps(inst)
    verify = inst.flask("audit", "verify")
    routes = {route: {"count": len(t), "p50_ms": round(percentile(t, 50) * 1000, 1),
                      "p95_ms": round(percentile(t, 95) * 1000, 1), "p99_ms": round(percentile(t, 99) * 1000, 1)}
              for route, t in sorted(stats.times.items())}
    total = sum(len(t) for t in stats.times.values())
    return {"db": inst.db, "workers": inst.workers, "users": users, "workflow_users": n_workflow, "duration_s": round(elapsed, 1),
            "requests": total, "requests_per_s": round(total / elapsed, 1), "status": dict(stats.status),
            "errors_5xx": len(stats.errors_5xx), "errors_5xx_sample": stats.errors_5xx[:5],
            "transport_errors": len(stats.transport_errors), "transport_errors_sample": stats.transport_errors[:5],
            "workflow_errors": run.workflow_errors[:10], "workflow_error_count": len(run.workflow_errors),
            "draws_refused": len(run.draws_refused), "draws_refused_sample": run.draws_refused[:2],
            "opinions_drafted": len(run.opinions), "opinions_issued": len(run.issued),
            "lost_updates": updates, "number_problems": gaps, "numbered_opinions": numbered,
            "audit_verify_ok": verify.returncode == 0, "audit_verify_output": (verify.stdout + verify.stderr)[-400:],
            "routes": routes}


def report(result: dict) -> None:
    print(f"\n{result['db']}: {result['workers']} gunicorn workers, {result['users']} users "
          f"({result['workflow_users']} running consultations), {result['duration_s']} s — shared 2-core machine")
    print(f"{'route':55} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for route, r in result["routes"].items():
        print(f"{route:55} {r['count']:>6} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8}")
    reads = [r for route, r in result["routes"].items() if route.startswith("GET")]
    read_p95 = max(r["p95_ms"] for r in reads) if reads else 0.0
    print(f"requests {result['requests']}, {result['requests_per_s']}/s "
          f"({result['requests_per_s'] / BASELINE_RPS:.2f}× the {BASELINE_RPS:g}/s baseline of list/detail pages only); "
          f"worst read p95 {read_p95} ms ({read_p95 / BASELINE_P95_MS:.1f}× the {BASELINE_P95_MS:g} ms baseline)")
    print(f"status {result['status']}")
    print(f"5xx: {result['errors_5xx']} (must be 0) {result['errors_5xx_sample']}")
    print(f"transport errors: {result['transport_errors']}; workflow errors: {result['workflow_error_count']} "
          f"{result['workflow_errors'][:3]}")
    print(f"draws refused (422 insufficient_experts): {result['draws_refused']} {result['draws_refused_sample'][:1]}")
    print(f"opinions drafted {result['opinions_drafted']}, issued {result['opinions_issued']} "
          f"(numbered in all: {result['numbered_opinions']})")
    print(f"lost updates: {result['lost_updates'] or 'none'}")
    print(f"document numbers: {result['number_problems'] or 'contiguous per office and year, counter matches'}")
    print(f"audit verify: {'ok' if result['audit_verify_ok'] else 'FAILED ' + result['audit_verify_output']}")


def failures(result: dict) -> list[str]:
    out = []
    if result["errors_5xx"]:
        out.append("5xx answers")
    if result["transport_errors"]:
        out.append("connection errors")
    if result["workflow_error_count"]:
        out.append("workflow requests answered unexpectedly")
    if result["lost_updates"]:
        out.append("lost updates")
    if result["number_problems"]:
        out.append("document numbers")
    if not result["audit_verify_ok"]:
        out.append("audit chain")
    if not result["opinions_issued"]:
        out.append("no opinion issued")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120, help="seconds")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 4 on PostgreSQL, 2 on SQLite)")
    parser.add_argument("--think", type=float, default=0.5, help="mean think time between a user's requests, s")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    workers = args.workers or WORKERS[args.db]
    t0 = time.monotonic()
    with Instance(args.db, workers=workers) as inst:
        print(f"instance ready in {time.monotonic() - t0:.1f} s {inst.timings} ({args.db}, demo data, {workers} workers)")
        result = asyncio.run(drive(inst, args.users, args.duration, args.think))
        log = inst.log_tail(2000)
    result["server_log_tail"] = log if result["errors_5xx"] else ""
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    bad = failures(result)
    print("FAILED: " + ", ".join(bad) if bad else "all checks passed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
