import math

import pytest

from tests.search.metrics import average_precision, dcg, mean, ndcg_at


def test_dcg_discounts_by_log2_of_rank():
    assert dcg([3, 2, 0]) == pytest.approx(7 + 3 / math.log2(3))


def test_ndcg_is_one_for_the_ideal_order_and_zero_without_relevant_hits():
    judgments = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at(["a", "b", "c", "x"], judgments) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], judgments) == 0.0
    assert ndcg_at(["a"], {}) == 0.0


def test_ndcg_known_value_for_a_swapped_pair():
    # ideal: 3 then 1 → 7 + 1/log2(3); swapped: 1 then 7/log2(3)
    expected = (1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3))
    assert ndcg_at(["c", "a"], {"a": 3, "c": 1}) == pytest.approx(expected)


def test_ndcg_cuts_at_k():
    judgments = {"a": 3}
    assert ndcg_at(["x"] * 10 + ["a"], judgments, k=10) == 0.0
    assert ndcg_at(["x"] * 9 + ["a"], judgments, k=10) == pytest.approx(1 / math.log2(11))


def test_average_precision_known_examples():
    judgments = {"a": 2, "b": 1, "c": 0}
    assert average_precision(["a", "b"], judgments) == 1.0
    assert average_precision(["x", "a", "y", "b"], judgments) == pytest.approx((1 / 2 + 2 / 4) / 2)
    assert average_precision(["a"], judgments) == pytest.approx(0.5)   # b never retrieved
    assert average_precision(["c"], judgments) == 0.0


def test_mean_of_nothing_is_zero():
    assert mean([]) == 0.0
    assert mean([0.5, 1.0]) == 0.75
