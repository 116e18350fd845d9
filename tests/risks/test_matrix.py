"""The band of every cell of the matrix comes from settings: the default at all 25 cells, and another matrix."""

import pytest
from django.test import override_settings

from risks.matrix import IMPACT, LIKELIHOOD, band_of, default_matrix, matrix_problems

# The default, as the board writes it: Low 1-4, Medium 5-9, High 10-15, Very high 16-25 (likelihood x impact).
EXPECTED = {
    (likelihood, impact): (
        "Low"
        if likelihood * impact <= 4
        else "Medium"
        if likelihood * impact <= 9
        else "High"
        if likelihood * impact <= 15
        else "Very high"
    )
    for likelihood in range(1, 6)
    for impact in range(1, 6)
}


@pytest.mark.parametrize(("likelihood", "impact"), sorted(EXPECTED))
def test_the_band_of_every_cell_of_the_default_matrix(likelihood, impact):
    assert band_of(likelihood, impact).label == EXPECTED[(likelihood, impact)]


def test_the_default_matrix_is_the_settings_matrix(settings):
    assert default_matrix() == settings.RISK_MATRIX


def test_a_few_cells_by_name():
    assert [band_of(*cell).label for cell in [(1, 4), (1, 5), (3, 3), (2, 5), (3, 5), (4, 4), (5, 5)]] == [
        "Low",
        "Medium",
        "Medium",
        "High",
        "High",
        "Very high",
        "Very high",
    ]


LOPSIDED = [["low", "low", "medium", "high", "very_high"] for _ in range(5)]  # impact alone decides


@override_settings(RISK_MATRIX=LOPSIDED)
def test_another_matrix_gives_other_bands_so_no_product_is_hard_coded():
    assert band_of(1, 5).label == "Very high"  # 5 on the default: Medium
    assert band_of(5, 1).label == "Low"  # 5 on the default: Medium
    assert band_of(5, 3).label == "Medium"


@override_settings(RISK_REVIEW_MONTHS={"very_high": 1, "high": 1, "medium": 1, "low": 1})
def test_the_band_carries_the_review_months_from_settings():
    assert band_of(1, 1).review_months == 1


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6), ("x", 3), (None, 3)])
def test_a_score_off_the_scale_is_refused(likelihood, impact):
    with pytest.raises(ValueError):
        band_of(likelihood, impact)


def test_every_point_of_both_scales_has_a_word_and_a_descriptor():
    for scale in (LIKELIHOOD, IMPACT):
        assert sorted(scale) == [1, 2, 3, 4, 5]
        assert all(word and len(meaning) > 20 for word, meaning in scale.values())


def test_a_broken_matrix_in_settings_is_named():
    assert matrix_problems(default_matrix(), {"low": 6, "medium": 3, "high": 2, "very_high": 1}) == []
    assert matrix_problems([["low"] * 5] * 4, {"low": 6, "medium": 3, "high": 2, "very_high": 1})
    assert matrix_problems(default_matrix(), {"low": 0, "medium": 3, "high": 2, "very_high": 1})
