"""The OpenAPI 3 document, generated from the registered API routes and their schemas."""

from __future__ import annotations

import re

from flask import current_app, jsonify

from app.api.core import PUBLIC_ENDPOINTS, api_route
from app.routing import MAX_ID

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}}}},
}
ERROR_STATUSES = {"400": "请求格式错误", "401": "未认证", "403": "无权操作", "404": "不存在或不可见",
                  "409": "状态冲突", "413": "文件过大", "415": "不支持的文件类型", "422": "校验未通过",
                  "429": "请求过于频繁"}


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def repl(m: re.Match) -> str:
        conv, name = m.group(1), m.group(2)
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID} if conv == "dbid" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", repl, rule)
    return path.removeprefix("/api/v1") or "/", params


def to_oas30(node):
    """Pydantic writes JSON Schema 2020-12; OpenAPI 3.0 wants its own dialect: ``nullable``
    instead of a ``{"type": "null"}`` alternative, ``enum`` instead of ``const``, boolean
    exclusive bounds, one ``example``. (3.0 rather than 3.1: more tools read it, and its
    validator is ten times faster on this document.)"""
    if isinstance(node, list):
        return [to_oas30(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: to_oas30(v) for k, v in node.items()}
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if isinstance(options, list) and {"type": "null"} in options:
            rest = [o for o in options if o != {"type": "null"}]
            del node[key]
            if len(rest) == 1 and "$ref" in rest[0]:
                node["allOf"] = rest  # a $ref takes no siblings in 3.0
            elif len(rest) == 1:
                node = {**rest[0], **node}
            else:
                node[key] = rest
            node["nullable"] = True
    if "const" in node:
        node["enum"] = [node.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), int | float) and not isinstance(node.get(bound), bool):
            node[plain] = node[bound]
            node[bound] = True
    if isinstance(node.get("examples"), list):
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    node.pop("prefixItems", None)
    return node


def build_document() -> dict:
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {"Error": ERROR_SCHEMA}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        view = current_app.view_functions[rule.endpoint]
        docs = getattr(view, "_api_docs", {})
        path, params = _path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            doc = docs.get(method)
            op: dict = {
                "operationId": f"{rule.endpoint.split('.')[-1]}_{method.lower()}",
                "summary": doc.summary if doc else rule.endpoint,
                "tags": [doc.tag] if doc and doc.tag else [],
                "parameters": list(params),
                "responses": {},
            }
            if doc and doc.roles:
                op["description"] = f"角色：{doc.roles}"
            if doc:
                for name, desc in doc.query.items():
                    op["parameters"].append({"name": name, "in": "query", "required": False,
                                             "description": desc, "schema": {"type": "string"}})
                if doc.body is not None:
                    schema = doc.body.model_json_schema(ref_template="#/components/schemas/{model}")
                    for name, sub in schema.pop("$defs", {}).items():
                        schemas[name] = to_oas30(sub)
                    schemas[doc.body.__name__] = to_oas30(schema)
                    op["requestBody"] = {"required": True, "content": {"application/json": {
                        "schema": {"$ref": f"#/components/schemas/{doc.body.__name__}"}}}}
                if doc.file_upload:
                    op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                        "type": "object", "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}}}}}}
                status = str(doc.status)
                if status == "204":
                    op["responses"][status] = {"description": "成功，无内容"}
                else:
                    types = doc.content_type if isinstance(doc.content_type, tuple) else (doc.content_type,)
                    op["responses"][status] = {"description": "成功", "content": {t: {"schema": {}} for t in types}}
            else:
                op["responses"]["200"] = {"description": "成功"}
            if rule.endpoint not in PUBLIC_ENDPOINTS:
                op["security"] = [{"bearerAuth": []}]
            for code, desc in ERROR_STATUSES.items():
                op["responses"].setdefault(code, {"description": desc, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}})
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "信访工作专家会商与法律审查平台 API", "version": "1.0.0",
                 "description": "契约见 shared/api.md。除获取令牌外，所有请求须带 Authorization: Bearer <token>。"},
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas,
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    }


@api_route("/openapi.json", ["GET"], "本 API 的 OpenAPI 3 文档", tag="meta")
def openapi_document():
    return jsonify(build_document())
