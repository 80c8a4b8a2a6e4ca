"""Benchmark of the expert pool (issue 2): the filtered expert list and a roster import.

Run: ``.venv/bin/python bench/pool.py [--db sqlite|postgresql]`` (about a minute).

Seeds 10,000 experts by bulk insert into a fresh database — a temporary SQLite file (WAL, as in
production) or its own schema of the PostgreSQL test database (``TEST_DATABASE_URL``, default
postgresql://postgres@127.0.0.1:5432/test) — with the schema built by the real migrations.
Then, through the Flask test client (in-process, so the figure is server time plus a little
client overhead):

- ~200 requests of ``GET /api/v1/experts`` with tier/specialty/status/q filters, per_page 20,
  as a provincial officer (江苏: sees ~half the pool) and as the national office (sees it all);
- the same filters on the page ``GET /experts`` (signed in as the provincial officer);
- a 5,000-row .xlsx import through ``POST /api/v1/experts/import``, then the same file again
  (5,000 unchanged rows).

Prints p50/p95 next to the targets as a ratio (< 1.0 = within target): list p95 ≤ 50 ms,
import ≤ 10 s, and the machine's figures.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIST_TARGET_MS = 50.0
IMPORT_TARGET_S = 10.0
EXPERTS = 10_000
REQUESTS = 200
IMPORT_ROWS = 5_000
PASSWORD = "Bench-pass-2026"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国秀英志强文华丽敏伟芳娜静军磊洋勇艳杰涛明超霞平刚桂英华玉兰红梅海燕鹏飞浩然子涵思远晓东立新德明国庆雪梅淑珍宏伟春生"
EMPLOYERS = [
    "南京大学法学院",
    "东南大学法学院",
    "浙江大学光华法学院",
    "中国政法大学",
    "苏州大学王健法学院",
    "南京师范大学法学院",
    "浙江工商大学法学院",
    "江苏省高级人民法院（退休）",
    "南京市中级人民法院（退休）",
    "杭州市中级人民法院（退休）",
    "江苏世纪同仁律师事务所",
    "浙江天册律师事务所",
    "北京市金杜律师事务所",
    "上海市锦天城律师事务所",
    "江苏省人民医院",
    "浙江大学医学院附属第一医院",
    "南京市社会科学院",
    "浙江省委党校",
    "江苏省信访学会",
    "南京市心理咨询中心",
]
TITLES = ["教授", "副教授", "律师", "高级律师", "研究员", "主任医师", "高级法官（退休）", "副研究员", "心理咨询师"]
CITIES = {"32": ["320100", "320200", "320300", "320400", "320500", "320600"], "33": ["330100", "330200", "330300", "330400"]}

# ~200 list requests cycle through these (each also on pages 1–3).
FILTERS = [
    {"tier": "municipal", "specialty": "labor_law", "status": "active"},
    {"tier": "provincial", "specialty": "civil_law"},
    {"specialty": "administrative_law", "status": "active"},
    {"status": "active", "q": "王"},
    {"q": "律师事务所"},
    {"tier": "municipal", "region_code": "320100", "status": "active"},
    {"tier": "municipal", "specialty": "psychology", "status": "active", "q": "大学"},
    {"status": "suspended"},
    {"specialty": "petition_policy"},
    {},
]


# --------------------------------------------------------------------------- set-up


def make_app(kind: str):
    from app import create_app

    tmp = tempfile.mkdtemp(prefix="xf-bench-")
    if kind == "sqlite":
        url, label = f"sqlite:///{os.path.join(tmp, 'bench.db')}", "SQLite"
    else:
        from sqlalchemy import create_engine, text

        base = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
        base = "postgresql+psycopg://" + base.split("://", 1)[1]
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text('DROP SCHEMA IF EXISTS "bench_pool" CASCADE'))
            conn.execute(text('CREATE SCHEMA "bench_pool"'))
        engine.dispose()
        sep = "&" if "?" in base else "?"
        url, label = f"{base}{sep}options=-csearch_path%3Dbench_pool", "PostgreSQL"
    app = create_app(
        "production",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": tmp,
            "SECRET_KEY": "bench",
            "SESSION_COOKIE_SECURE": False,
            "WTF_CSRF_ENABLED": False,
            "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
        },
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app, label


def seed(app, rnd: random.Random) -> dict:
    """Offices, users and EXPERTS experts, inserted in bulk."""
    from sqlalchemy import insert

    from app.auth.models import User
    from app.experts.models import Expert, ExpertSpecialty
    from app.extensions import db
    from app.orgs.models import Organization
    from expert_pool.codes import SPECIALTIES

    specs = list(SPECIALTIES)
    with app.app_context():
        national = Organization(name="国家信访局", kind="petition_office", tier="national", region_code="000000")
        js = Organization(name="江苏省信访局", kind="petition_office", tier="provincial", region_code="320000", parent=national)
        zj = Organization(name="浙江省信访局", kind="petition_office", tier="provincial", region_code="330000", parent=national)
        db.session.add_all([national, js, zj])
        db.session.flush()
        users = {}
        for username, role, org in (("bench_admin", "admin", None), ("bench_js", "officer", js), ("bench_nat", "officer", national)):
            user = User(username=username, display_name=username, role=role, organization_id=org.id if org else None)
            user.set_password(PASSWORD)
            db.session.add(user)
            users[username] = user
        db.session.commit()

        now = time.perf_counter()
        experts, specialties = [], []
        for i in range(1, EXPERTS + 1):
            r = rnd.random()
            if r < 0.05:
                tier, region = "national", "000000"
            elif r < 0.30:
                tier, region = "provincial", rnd.choice(["320000", "330000"])
            else:
                tier, region = "municipal", rnd.choice(CITIES[rnd.choice(["32", "33"])])
            s = rnd.random()
            status = "active" if s < 0.85 else ("suspended" if s < 0.95 else "retired")
            experts.append(
                {
                    "id": i,
                    "name": rnd.choice(SURNAMES) + "".join(rnd.sample(GIVEN, rnd.choice([1, 2]))),
                    "tier": tier,
                    "region_code": region,
                    "employer": rnd.choice(EMPLOYERS),
                    "title": rnd.choice(TITLES),
                    "phone": f"13{i:09d}",
                    "email": f"expert{i}@example.cn",
                    "status": status,
                    "term_end": date(2026 + rnd.randint(0, 3), 12, 31),
                    "max_open_consultations": 3,
                    "version": 1,
                }
            )
            specialties += [{"expert_id": i, "specialty": c} for c in rnd.sample(specs, rnd.randint(1, 3))]
        db.session.execute(insert(Expert), experts)
        db.session.execute(insert(ExpertSpecialty), specialties)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            db.session.execute(text("SELECT setval(pg_get_serial_sequence('experts', 'id'), :n)"), {"n": EXPERTS})
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        else:
            from sqlalchemy import text

            db.session.execute(text("ANALYZE"))
            db.session.commit()
        return {"seed_s": time.perf_counter() - now, "specialty_rows": len(specialties)}


# --------------------------------------------------------------------------- measuring


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed_requests(client, url: str, headers: dict | None = None, n: int = REQUESTS):
    """(wall ms per request, CPU ms per request, the first non-200 status or None). CPU time is
    this process's: on a busy machine the wall clock also counts waiting for a core."""
    queries = [dict(f, page=page, per_page=20) for page in (1, 2, 3) for f in FILTERS]
    for q in queries[:5]:  # warm-up: caches, compiled statements, connection pool
        client.get(url, query_string=q, headers=headers)
    wall, cpu = [], []
    for i in range(n):
        q = queries[i % len(queries)]
        start, start_cpu = time.perf_counter(), time.process_time()
        resp = client.get(url, query_string=q, headers=headers)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if resp.status_code != 200:
            return wall, cpu, resp.status_code
    return wall, cpu, None


def roster_xlsx(rows: int, rnd: random.Random) -> bytes:
    from openpyxl import Workbook

    from expert_pool.codes import SPECIALTIES

    labels = list(SPECIALTIES.values())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("专家名册")
    ws.append(["姓名", "层级", "行政区划代码", "工作单位", "职称", "专业领域", "手机", "邮箱", "状态", "聘期截止", "最多同时承担会商数"])
    for i in range(rows):
        ws.append(
            [
                rnd.choice(SURNAMES) + "".join(rnd.sample(GIVEN, 2)),
                "省",
                "320000",
                rnd.choice(EMPLOYERS),
                rnd.choice(TITLES),
                "、".join(rnd.sample(labels, rnd.randint(1, 3))),
                f"18{i:09d}",
                f"import{i}@example.cn",
                "在库",
                "2028-12-31",
                3,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def token(client, username: str) -> dict:
    resp = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 201, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


# --------------------------------------------------------------------------- machine


def machine(app, label: str) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    with app.app_context():
        from sqlalchemy import text

        from app.extensions import db

        if db.engine.dialect.name == "postgresql":
            version = db.session.execute(text("SHOW server_version")).scalar()
        else:
            version = db.session.execute(text("SELECT sqlite_version()")).scalar()
    return [
        f"cores: {os.cpu_count()}",
        f"CPU: {cpu}",
        f"RAM: {ram}",
        f"Python: {platform.python_version()} ({platform.python_implementation()})",
        f"DB: {label} {version}",
    ]


def line(label: str, value: float, unit: str, target: float | None = None, cpu: float | None = None) -> str:
    text = f"  {label:<52} {value:8.1f} {unit:<2}"
    if target is not None:
        text += f"  target {target:g} {unit:<2}  ratio {value / target:5.2f}"
    if cpu is not None:
        text += f"   (CPU {cpu:.1f} {unit}, ratio {cpu / target:4.2f})" if target else f"   (CPU {cpu:.1f} {unit})"
    return text


RECOMMENDED_INDEX = "CREATE INDEX ix_experts_tier_region_code_id ON experts (tier, region_code, id)"


def has_list_index(app) -> bool:
    from sqlalchemy import inspect

    from app.extensions import db

    with app.app_context():
        return any(ix["column_names"][:2] == ["tier", "region_code"] for ix in inspect(db.engine).get_indexes("experts"))


def measure_lists(client, args, out: list[str], missed: list[str], note: str = "") -> None:
    for who, username in (("provincial officer", "bench_js"), ("national officer", "bench_nat")):
        wall, cpu, bad = timed_requests(client, "/api/v1/experts", token(client, username), args.requests)
        if bad:
            out.append(f"  API list as {who}: HTTP {bad} — skipped")
            continue
        out.append(line(f"API  /api/v1/experts{note} ({who}) p50", percentile(wall, 50), "ms", cpu=percentile(cpu, 50)))
        p95 = percentile(wall, 95)
        out.append(line(f"API  /api/v1/experts{note} ({who}) p95", p95, "ms", LIST_TARGET_MS, percentile(cpu, 95)))
        if p95 > LIST_TARGET_MS:
            missed.append(f"API list p95{note} ({who})")
    resp = client.post("/login", data={"username": "bench_js", "password": PASSWORD})
    if resp.status_code != 302:
        out.append(f"  page GET /experts: sign-in failed (HTTP {resp.status_code}) — skipped")
        return
    wall, cpu, bad = timed_requests(client, "/experts", None, args.requests)
    client.post("/logout")
    if bad:
        out.append(f"  page GET /experts: HTTP {bad} — skipped (the page is not working)")
        return
    out.append(line(f"page /experts{note} (provincial officer) p50", percentile(wall, 50), "ms", cpu=percentile(cpu, 50)))
    p95 = percentile(wall, 95)
    out.append(line(f"page /experts{note} (provincial officer) p95", p95, "ms", LIST_TARGET_MS, percentile(cpu, 95)))
    if p95 > LIST_TARGET_MS:
        missed.append(f"page list p95{note}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    args = parser.parse_args()
    rnd = random.Random(20261128)
    app, label = make_app(args.db)
    info = seed(app, rnd)
    client = app.test_client()
    out = [f"bench/pool.py — {EXPERTS:,} experts ({info['specialty_rows']:,} specialty rows) seeded in {info['seed_s']:.1f} s"]
    for text in machine(app, label):
        out.append("  " + text)
    missed: list[str] = []
    load_before = os.getloadavg()[0]

    measure_lists(client, args, out, missed)

    content = roster_xlsx(IMPORT_ROWS, rnd)
    headers = token(client, "bench_js")
    for what, expect in (("new", "created"), ("unchanged re-import", None)):
        start, start_cpu = time.perf_counter(), time.process_time()
        resp = client.post(
            "/api/v1/experts/import",
            headers=headers,
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(content), "roster.xlsx")},
        )
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        body = resp.get_json() or {}
        if resp.status_code != 200:
            out.append(f"  import ({what}): HTTP {resp.status_code} {str(body)[:200]} — skipped")
            continue
        if expect and body.get(expect) != IMPORT_ROWS:
            out.append(f"  import ({what}): unexpected result {body}")
        out.append(line(f"import {IMPORT_ROWS:,} rows .xlsx ({what})", seconds, "s", IMPORT_TARGET_S, cpu))
        if seconds > IMPORT_TARGET_S:
            missed.append(f"import ({what})")

    if not has_list_index(app):
        # Not in the migrations yet: show what the index the list needs would change.
        from sqlalchemy import text

        from app.extensions import db

        with app.app_context():
            db.session.execute(text(RECOMMENDED_INDEX))
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        out.append(f"  with the recommended index ({RECOMMENDED_INDEX}):")
        measure_lists(client, args, out, missed, note=" +index")

    out.append(
        f"  load average (1 min) before/after: {load_before:.2f} / {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
        " — a busy machine inflates wall-clock figures; CPU time does not count waiting"
    )
    out.append("  result: " + ("all targets met" if not missed else "MISSED: " + ", ".join(missed)))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
