import pytest

from shared.services.integrity import AnswerSample, analyse

LONG_ANSWER = " ".join(["React reconciles the virtual DOM by diffing element trees and keys"] * 8)


def answer(message_id="m1", text="A short honest answer about closures.", seconds=30.0, audio=None):
    return AnswerSample(message_id=message_id, answer_text=text, response_time_seconds=seconds, audio_duration_seconds=audio)


def test_natural_interview_is_clean():
    answers = [answer(f"m{i}", "I would use a dictionary keyed by id, um, to make lookups constant time.", 20 + i * 7) for i in range(6)]
    report = analyse(answers)
    assert report.flags == []
    assert report.integrity_score == 100


def test_long_complex_answer_in_eight_seconds_is_flagged_high():
    report = analyse([answer("fast", LONG_ANSWER, 8.0)])
    assert [flag.type for flag in report.flags] == ["fast_complex_answer"]
    assert report.flags[0].severity == "high"
    assert report.flags[0].evidence["message_ids"] == ["fast"]
    assert report.integrity_score < 100


@pytest.mark.parametrize(
    ("words", "seconds", "flagged"),
    [
        (40, 10.0, True),  # 4 words/s of typing is implausible
        (40, 30.0, False),  # 1.3 words/s is a fast but human typist
        (10, 2.0, False),  # short answers are too small to judge
    ],
)
def test_typing_speed_rule(words, seconds, flagged):
    report = analyse([answer("m", " ".join(["word"] * words), seconds)])
    assert any(flag.type == "implausible_typing_speed" for flag in report.flags) is flagged


def test_spoken_answers_are_judged_by_audio_duration():
    text = " ".join(["token"] * 60)
    assert analyse([answer("v", text, 8.0, audio=25.0)]).flags == []
    assert analyse([answer("v", text, 8.0, audio=10.0)]).flags[0].type == "implausible_speech_rate"


def test_hesitant_speech_in_most_spoken_answers_is_a_low_note():
    slow = [answer(f"s{i}", " ".join(["well"] * 12), 30.0 + 9 * i, audio=20.0) for i in range(3)]  # 0.6 words/s
    normal = [answer(f"n{i}", " ".join(["fine"] * 50), 70.0 + 13 * i, audio=20.0) for i in range(2)]  # 2.5 words/s
    flags = analyse(slow + normal).flags
    assert [(f.type, f.severity) for f in flags] == [("hesitant_speech", "low")]
    assert flags[0].evidence["message_ids"] == ["s0", "s1", "s2"]
    assert analyse(slow[:1] + normal * 2).flags == []  # one slow answer is just thinking


def test_long_silence_then_polished_answer_is_flagged():
    polished = " ".join(["The event loop schedules microtasks before the next macrotask executes"] * 10)
    report = analyse([answer("p", polished, 180.0)])
    assert "long_pause_then_polished_answer" in [flag.type for flag in report.flags]


def test_uniform_timing_across_answers_is_flagged():
    answers = [answer(f"u{i}", "Some reasonable answer text here.", 30.0 + (i % 2) * 0.5) for i in range(6)]
    flag = next(flag for flag in analyse(answers).flags if flag.type == "uniform_response_timing")
    assert len(flag.evidence["message_ids"]) == 6


def test_contradicting_claims_cite_both_messages():
    answers = [
        answer("a", "Honestly I have never used Docker, we deployed on bare VMs.", 30),
        answer("b", "For that I would reuse what I know: I have used Docker extensively for local stacks.", 40),
    ]
    flag = next(flag for flag in analyse(answers).flags if flag.type == "inconsistent_claims")
    assert flag.evidence == {"message_ids": ["a", "b"], "skill": "docker"}


def test_score_never_drops_below_zero():
    answers = [answer(f"f{i}", LONG_ANSWER, 5.0) for i in range(10)]
    assert analyse(answers).integrity_score == 0
