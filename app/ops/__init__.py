"""Operations: what an operator watches — the request id, structured logs, Prometheus metrics and
the health check (``GET /healthz``, ``GET /metrics``). ``init_app`` wires the request hooks;
the two routes live on ``app.ops.routes.bp``."""
