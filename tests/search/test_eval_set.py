"""The frozen evaluation set stays sound, and the baseline's relevance never drops below what
was recorded (bench/search_eval.py prints the same figures)."""

from collections import Counter

from tests.search.baseline_bm25 import bm25_backend
from tests.search.metrics import mean
from tests.search.relevance import evaluate, load_eval_set

# Recorded with bench/search_eval.py; raise them when a backend improves, never lower them.
BASELINE_NDCG10 = 0.949
BASELINE_MAP = 0.937


def test_eval_set_size_and_judgments():
    opinions, queries = load_eval_set()
    ids = {o["id"] for o in opinions}
    assert len(opinions) >= 40 and len(ids) == len(opinions)
    assert len(queries) >= 25 and len({q["id"] for q in queries}) == len(queries)
    for q in queries:
        assert q["judgments"], q["query"]
        assert set(q["judgments"]) <= ids
        assert set(q["judgments"].values()) <= {1, 2, 3}
        assert 3 in q["judgments"].values() or q["query"].startswith("引导")
    assert Counter(o["topic"] for o in opinions).most_common()[-1][1] >= 3   # every topic thrice


def test_baseline_relevance_does_not_drop():
    rows = evaluate(bm25_backend)
    assert round(mean([r["ndcg10"] for r in rows]), 3) >= BASELINE_NDCG10
    assert round(mean([r["ap"] for r in rows]), 3) >= BASELINE_MAP
