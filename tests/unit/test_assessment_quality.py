"""The offline provider against the labelled answer set (bench/assessment_quality.py): the issue's
bar on the held-out answers, which were written before the evaluator was tuned and never tuned on."""

import pytest

from bench import assessment_quality


@pytest.fixture(scope="module")
def report():
    return assessment_quality.run("offline")


@pytest.mark.parametrize("answer_set", ["held_out", "development"])
def test_answers_land_in_their_labelled_bands(report, answer_set):
    answers = report[answer_set]["answers"]
    assert answers["band_accuracy"] >= 0.8 and answers["spearman"] >= 0.8
    means = answers["mean_score_per_band"]
    assert means["strong"] >= 75 and 45 <= means["adequate"] < 75 and means["weak"] < 45


@pytest.mark.parametrize("answer_set", ["held_out", "development"])
def test_whole_interviews_separate_strong_average_and_weak_candidates(report, answer_set):
    interviews = report[answer_set]["interviews"]
    assert interviews["strong"]["overall_min"] >= 70
    assert interviews["average"]["overall_min"] >= 40 and interviews["average"]["overall_max"] <= 65
    assert interviews["weak"]["overall_max"] <= 20
    assert all(run["strengths"] for run in interviews["strong"]["per_role"].values())
    assert all(run["weaknesses"] and not run["strengths"] for run in interviews["weak"]["per_role"].values())


def test_spearman_handles_ties_and_order():
    assert assessment_quality.spearman([0, 1, 2], [10, 20, 30]) == pytest.approx(1.0)
    assert assessment_quality.spearman([0, 1, 2], [30, 20, 10]) == pytest.approx(-1.0)
    assert assessment_quality.spearman([0, 0, 1, 1], [5, 5, 9, 9]) == pytest.approx(1.0)
