"""Demo organizations: the petition offices of the national, provincial, municipal and county
tiers, the people's governments and departments that handle petitions (有权处理机关), and the
courts some experts retired from. Parents come before their children."""

from __future__ import annotations

from app.extensions import db
from app.orgs.models import Organization
from app.seed.context import SeedContext

# (name, kind, tier, region_code, parent name, document-number prefix)
PETITION_OFFICES = [
    ("国家信访局", "petition_office", "national", "000000", None, "国信专审"),
    ("江苏省信访局", "petition_office", "provincial", "320000", "国家信访局", "苏信专审"),
    ("浙江省信访局", "petition_office", "provincial", "330000", "国家信访局", "浙信专审"),
    ("南京市信访局", "petition_office", "municipal", "320100", "江苏省信访局", "宁信专审"),
    ("苏州市信访局", "petition_office", "municipal", "320500", "江苏省信访局", "苏州信专审"),
    ("杭州市信访局", "petition_office", "municipal", "330100", "浙江省信访局", "杭信专审"),
    ("宁波市信访局", "petition_office", "municipal", "330200", "浙江省信访局", "甬信专审"),
    ("南京市江宁区信访局", "petition_office", "county", "320115", "南京市信访局", None),
    ("南京市鼓楼区信访局", "petition_office", "county", "320106", "南京市信访局", None),
    ("苏州市吴中区信访局", "petition_office", "county", "320506", "苏州市信访局", None),
    ("昆山市信访局", "petition_office", "county", "320583", "苏州市信访局", None),
    ("杭州市西湖区信访局", "petition_office", "county", "330106", "杭州市信访局", None),
    ("杭州市余杭区信访局", "petition_office", "county", "330110", "杭州市信访局", None),
    ("宁波市鄞州区信访局", "petition_office", "county", "330212", "宁波市信访局", None),
    ("慈溪市信访局", "petition_office", "county", "330282", "宁波市信访局", None),
]

_A = "handling_agency"
HANDLING_AGENCIES = [
    ("自然资源部", _A, "national", "000000", None),
    ("人力资源和社会保障部", _A, "national", "000000", None),
    ("住房和城乡建设部", _A, "national", "000000", None),
    # 江苏
    ("江苏省人民政府", _A, "provincial", "320000", None),
    ("江苏省自然资源厅", _A, "provincial", "320000", "江苏省人民政府"),
    ("江苏省人力资源和社会保障厅", _A, "provincial", "320000", "江苏省人民政府"),
    ("江苏省住房和城乡建设厅", _A, "provincial", "320000", "江苏省人民政府"),
    ("江苏省卫生健康委员会", _A, "provincial", "320000", "江苏省人民政府"),
    ("南京市人民政府", _A, "municipal", "320100", "江苏省人民政府"),
    ("南京市规划和自然资源局", _A, "municipal", "320100", "南京市人民政府"),
    ("南京市人力资源和社会保障局", _A, "municipal", "320100", "南京市人民政府"),
    ("南京市住房保障和房产局", _A, "municipal", "320100", "南京市人民政府"),
    ("南京市城乡建设委员会", _A, "municipal", "320100", "南京市人民政府"),
    ("南京市卫生健康委员会", _A, "municipal", "320100", "南京市人民政府"),
    ("南京市民政局", _A, "municipal", "320100", "南京市人民政府"),
    ("江宁区人民政府", _A, "county", "320115", "南京市人民政府"),
    ("南京市江宁区住房和城乡建设局", _A, "county", "320115", "江宁区人民政府"),
    ("南京市江宁区人力资源和社会保障局", _A, "county", "320115", "江宁区人民政府"),
    ("鼓楼区人民政府", _A, "county", "320106", "南京市人民政府"),
    ("南京市鼓楼区民政局", _A, "county", "320106", "鼓楼区人民政府"),
    ("苏州市人民政府", _A, "municipal", "320500", "江苏省人民政府"),
    ("苏州市自然资源和规划局", _A, "municipal", "320500", "苏州市人民政府"),
    ("苏州市人力资源和社会保障局", _A, "municipal", "320500", "苏州市人民政府"),
    ("苏州市住房和城乡建设局", _A, "municipal", "320500", "苏州市人民政府"),
    ("苏州市卫生健康委员会", _A, "municipal", "320500", "苏州市人民政府"),
    ("吴中区人民政府", _A, "county", "320506", "苏州市人民政府"),
    ("昆山市人民政府", _A, "county", "320583", "苏州市人民政府"),
    ("昆山市人力资源和社会保障局", _A, "county", "320583", "昆山市人民政府"),
    # 浙江
    ("浙江省人民政府", _A, "provincial", "330000", None),
    ("浙江省自然资源厅", _A, "provincial", "330000", "浙江省人民政府"),
    ("浙江省人力资源和社会保障厅", _A, "provincial", "330000", "浙江省人民政府"),
    ("浙江省住房和城乡建设厅", _A, "provincial", "330000", "浙江省人民政府"),
    ("杭州市人民政府", _A, "municipal", "330100", "浙江省人民政府"),
    ("杭州市住房保障和房产管理局", _A, "municipal", "330100", "杭州市人民政府"),
    ("杭州市规划和自然资源局", _A, "municipal", "330100", "杭州市人民政府"),
    ("杭州市人力资源和社会保障局", _A, "municipal", "330100", "杭州市人民政府"),
    ("杭州市卫生健康委员会", _A, "municipal", "330100", "杭州市人民政府"),
    ("杭州市民政局", _A, "municipal", "330100", "杭州市人民政府"),
    ("西湖区人民政府", _A, "county", "330106", "杭州市人民政府"),
    ("余杭区人民政府", _A, "county", "330110", "杭州市人民政府"),
    ("杭州市余杭区住房和城乡建设局", _A, "county", "330110", "余杭区人民政府"),
    ("宁波市人民政府", _A, "municipal", "330200", "浙江省人民政府"),
    ("宁波市人力资源和社会保障局", _A, "municipal", "330200", "宁波市人民政府"),
    ("宁波市自然资源和规划局", _A, "municipal", "330200", "宁波市人民政府"),
    ("宁波市住房和城乡建设局", _A, "municipal", "330200", "宁波市人民政府"),
    ("宁波市卫生健康委员会", _A, "municipal", "330200", "宁波市人民政府"),
    ("鄞州区人民政府", _A, "county", "330212", "宁波市人民政府"),
    ("慈溪市人民政府", _A, "county", "330282", "宁波市人民政府"),
]

# Courts: employers of the retired judges in the pools (kind "other").
COURTS = [
    ("最高人民法院", "other", "national", "000000", None),
    ("江苏省高级人民法院", "other", "provincial", "320000", "最高人民法院"),
    ("南京市中级人民法院", "other", "municipal", "320100", "江苏省高级人民法院"),
    ("苏州市中级人民法院", "other", "municipal", "320500", "江苏省高级人民法院"),
    ("浙江省高级人民法院", "other", "provincial", "330000", "最高人民法院"),
    ("杭州市中级人民法院", "other", "municipal", "330100", "浙江省高级人民法院"),
    ("宁波市中级人民法院", "other", "municipal", "330200", "浙江省高级人民法院"),
]


def seed_organizations(ctx: SeedContext) -> None:
    rows = PETITION_OFFICES + [(*row, None) for row in HANDLING_AGENCIES + COURTS]
    for name, kind, tier, region_code, parent, prefix in rows:
        ctx.orgs[name] = Organization(name=name, kind=kind, tier=tier, region_code=region_code,
                                      parent=ctx.org(parent) if parent else None, doc_prefix=prefix)
    db.session.add_all(ctx.orgs.values())
    ctx.flush()
    for org in ctx.orgs.values():
        ctx.audit("create", "organization", org.id, f"新增单位 {org.name}", after=org.to_dict())
    ctx.count("organizations", len(ctx.orgs))
