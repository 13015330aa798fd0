"""The reader: its model file, what it promises about every reading, and its command line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.stages import attributes, corpus
from monitor.stages.reader import MODEL_DIR, classify, shipped
from monitor.stages.vocabulary import LADDER, STAGES, label, short_label

# --- the model file ---------------------------------------------------------------------------


def test_shipped_model_was_trained_on_the_corpus_as_it_is_now() -> None:
    # Fails when a batch is added or edited without `oversight-monitor train` being run.
    assert shipped().meta["corpus"] == corpus.fingerprint(), (
        "the shipped model is stale: run `python -m monitor.stages.train` and commit "
        "monitor/stages/model/"
    )


def test_model_files_load_without_running_code_and_stay_small() -> None:
    with np.load(MODEL_DIR / "reader.npz", allow_pickle=False) as arrays:
        assert {"idf", "weights", "subject_weights", "intercept"} <= set(arrays.files)
        assert all(arrays[name].dtype != object for name in arrays.files)
    size = sum(path.stat().st_size for path in MODEL_DIR.iterdir())
    assert size <= 25 * 2**20
    assert set(shipped().classes) == set(STAGES)


def test_the_saved_half_precision_model_reads_as_the_trained_one(tmp_path) -> None:
    from monitor.stages import train
    from monitor.stages.reader import Reader

    items = corpus.load()
    trained = train.fit(items[::9])
    trained.save(tmp_path)
    loaded = Reader.load(tmp_path)
    sample = items[1::23]
    same = sum(trained.read(i.title, i.text).stage == loaded.read(i.title, i.text).stage
               for i in sample)
    assert loaded.weights.dtype == np.float16  # 11 MB in memory, not 22
    assert same >= 0.99 * len(sample)


def test_every_reading_carries_a_confidence_and_a_different_second_reading() -> None:
    reading = classify(
        "Officer dismissed", "A Kent Police constable was dismissed without notice today."
    )
    assert 0.0 < reading.confidence <= 1.0
    assert reading.runner_up in STAGES and reading.runner_up != reading.stage
    assert reading.uncertain == (reading.confidence < shipped().threshold)


def test_evidence_is_always_verbatim_from_the_input() -> None:
    for item in corpus.load()[::7]:
        evidence = classify(item.title, item.text).evidence
        assert evidence is None or evidence in item.text or evidence in item.title, item.id


def test_evidence_is_never_page_furniture() -> None:
    text = (
        "We use cookies to make this site work. Accept all cookies or manage your settings. "
        "Share this page on Facebook or X.\n"
        "A Kent Police constable has been dismissed without notice after a gross misconduct "
        "hearing found he had lied to investigators.\n"
        "Related news: officers honoured at annual awards ceremony."
    )
    reading = classify("Constable dismissed", text)
    assert reading.evidence.startswith("A Kent Police constable has been dismissed")


@pytest.mark.parametrize("title, news, aside", [
    ("Misconduct hearing notice",
     "A police constable will attend a gross misconduct hearing at Force Headquarters in Arnold, "
     "starting at 10am on Monday 5 February 2018.",
     "The hearing will be held in public."),
    ("Sergeant faces hearing",
     "At the end of our investigation we decided the sergeant has a case to answer for gross "
     "misconduct over the cell checks on the night the man died.",
     "The force has agreed and will arrange the hearing."),
])
def test_evidence_is_the_sentence_with_the_news_not_a_short_aside(title, news, aside) -> None:
    text = f"{news} {aside} Our thoughts remain with everyone affected."
    assert classify(title, text).evidence == news


def test_empty_announcement_is_not_a_case_update_without_evidence() -> None:
    reading = classify("", "  ")
    assert reading.stage == "not_a_case_update" and reading.evidence is None


# --- officers, severity and flags (rules that extract attributes) ----------------------------


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Five serving and three former officers were served with notices.", 8),
        (
            "Seven officers were served gross misconduct notices and another ten misconduct "
            "notices.",
            17,
        ),
        ("Three constables and a fourth officer will face a hearing.", 4),
        ("A sergeant and two constables have been dismissed.", 3),
        ("Officers have been told they are under investigation.", None),
        ("The officer has been dismissed without notice.", None),  # a single: counted by officers()
    ],
)
def test_officer_counts_add_up_split_groups(sentence, count) -> None:
    assert attributes.officer_count(sentence) == count


def test_a_plural_without_a_number_is_not_one_officer() -> None:
    reading = classify(
        "Officers under investigation",
        "Officers from the Met have been served with gross misconduct notices over the search.",
    )
    assert reading.officers is None


@pytest.mark.parametrize(
    "sentence",
    ["The panel found the allegations against both officers not proven.",
     "The CPS said the evidential test was not met for either officer.",
     "Neither officer has a case to answer.", "The pair were cleared of misconduct."],
)
def test_both_neither_and_the_pair_are_two_officers(sentence) -> None:
    assert attributes.officer_count(sentence) == 2


def test_no_officer_in_a_headline_is_not_one_officer() -> None:
    assert not attributes.mentions_one_officer("No officer to face misconduct", is_title=True)
    assert attributes.mentions_one_officer("Officer to face misconduct", is_title=True)


def test_the_stage_says_whether_the_news_has_officers_as_its_subject() -> None:
    from monitor.stages.sentences import split_sentences

    text = ("The inquest jury found he was unlawfully killed. "
            "In 2021 a West Mercia officer was dismissed after a misconduct hearing.")
    parsed = split_sentences(text)
    # An inquest's findings are about a death, not about the officer in the background.
    assert attributes.officers(parsed[0].text, "Inquest concludes", parsed, "inquest") is None
    # A decision about conduct is about someone: with no number and no plural, one officer.
    hearing = split_sentences("The misconduct hearing will be held in public on 1 April.")
    assert attributes.officers(hearing[0].text, "Charged, but not like that", hearing,
                               "proceedings_scheduled") == 1
    plural = split_sentences("The officers will face a misconduct hearing on 1 April.")
    assert attributes.officers(plural[0].text, "Hearing date set", plural,
                               "proceedings_scheduled") is None


def test_the_subject_block_tells_whose_event_it_is_and_what_kind_of_page() -> None:
    from monitor.stages import subjects

    civilian = subjects.tokens("Man jailed for making false allegations against officers", [])
    assert "who civilian head" in civilian and "police object head" in civilian
    officer = subjects.tokens("PC jailed for assault on a prisoner", [])
    assert "who police head" in officer and "who civilian head" not in officer
    explainer = subjects.tokens("What happens at a misconduct hearing?", [])
    assert "page explainer head" in explainer
    prison = subjects.tokens("Jury finds neglect contributed to death at HMP Pentonville",
                             ["Prison officers failed to check on him."])
    assert "inquiry no police" in prison and "opening no police" in prison
    custody = subjects.tokens("Inquest into death after restraint", ["Officers restrained him."])
    assert "inquiry police" in custody
    assert "page pending head" in subjects.tokens("Watchdog to decide on officer after video", [])
    assert "page recap head" in subjects.tokens("ICYMI: officer dismissed last month", [])
    columns = subjects.columns("PC jailed", ["A constable was jailed today for assault."])
    assert columns.size and columns.max() < subjects.BLOCK and len(set(columns)) == columns.size


def test_a_count_in_the_next_sentence_adds_to_the_news() -> None:
    sentences = [
        "Seven officers have been served with gross misconduct notices.",
        "A further ten have been served with misconduct notices.",
    ]
    from monitor.stages.sentences import split_sentences

    parsed = split_sentences(" ".join(sentences))
    assert attributes.officers(parsed[0].text, "Notices served", parsed) == 17


def test_look_alike_letters_in_number_words_never_crash() -> None:
    # Case-insensitive patterns match "FıVE" (dotless i); the count must degrade, not raise.
    for text in ("FıVE officers have been dismissed.", "Fİve officers were dismissed."):
        assert classify("Officers dismissed", text).stage in STAGES


def test_vocabulary_is_complete_and_labelled() -> None:
    assert len(STAGES) == 21 and set(STAGES) == set(LADDER)
    assert label("misconduct_notices_served", "gross_misconduct").endswith("gross misconduct")
    assert short_label("misconduct_notices_served", "gross_misconduct") == (
        "gross misconduct notices served"
    )


# --- command line -----------------------------------------------------------------------------


def test_cli_text_mode_prints_stage_and_evidence() -> None:
    document = "Officer dismissed\nA Kent Police constable was dismissed without notice today.\n"
    result = CliRunner().invoke(main, ["classify"], input=document)
    assert result.exit_code == 0
    assert "outcome_dismissal" in result.output
    assert "dismissed without notice today." in result.output
    assert "Kent Police" in result.output


def test_cli_jsonl_mode_keeps_order_and_fields() -> None:
    lines = [
        {"title": "A", "text": "The CPS decided not to charge the officer.", "id": 7},
        {"title": "B", "text": "Two Met officers have been charged with assault."},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n\n"
    result = CliRunner().invoke(main, ["classify", "--jsonl"], input=stdin)
    assert result.exit_code == 0
    rows = [json.loads(row) for row in result.output.splitlines()]
    assert [row["stage"] for row in rows] == ["cps_no_charge", "criminal_charge"]
    assert rows[1]["officers"] == 2
    assert rows[1]["force"] == "Metropolitan Police Service"
    for key in ("stage", "evidence", "officers", "severity", "force", "route", "flags", "label"):
        assert key in rows[0]


def test_cli_empty_text_is_not_a_case_update_without_evidence() -> None:
    result = CliRunner().invoke(main, ["classify", "--jsonl"], input='{"title": "", "text": ""}\n')
    assert result.exit_code == 0
    row = json.loads(result.output)
    assert row["stage"] == "not_a_case_update"
    assert row["evidence"] is None


def test_cli_invalid_json_line_exits_2_naming_the_line() -> None:
    stdin = '{"title": "a", "text": "b"}\n{not json\n'
    result = CliRunner().invoke(main, ["classify", "--jsonl"], input=stdin)
    assert result.exit_code == 2
    assert "line 2" in result.stderr


def test_cli_line_that_is_not_an_object_exits_2() -> None:
    result = CliRunner().invoke(main, ["classify", "--jsonl"], input='["a", "b"]\n')
    assert result.exit_code == 2
    assert "line 1" in result.stderr


def test_cli_non_utf8_input_exits_2() -> None:
    result = CliRunner().invoke(main, ["classify"], input=b"Title\n\xff\xfe bad bytes\n")
    assert result.exit_code == 2
    assert "UTF-8" in result.stderr


def test_cli_reads_a_file_argument(tmp_path) -> None:
    path = tmp_path / "announcement.txt"
    path.write_text("Inquest\nThe inquest jury concluded he was unlawfully killed.\n")
    result = CliRunner().invoke(main, ["classify", str(path)])
    assert result.exit_code == 0
    assert "inquest" in result.output




def test_flags_shortcut_finds_what_the_patterns_find() -> None:
    # flags() skips a pattern when the words it needs are absent; it must find the same flags.
    def plainly(text):
        found = set()
        for flag, pattern, _ in attributes._FLAGS:
            for match in pattern.finditer(text[:4000]):
                if not attributes._NOT_NOW.search(text, max(0, match.start() - 40), match.start()):
                    found.add(flag)
                    break
        return frozenset(found)

    texts = [item.text for item in corpus.load()[::3]]
    texts += ["The decision has been PAUSED.", "Our investigation is COMPLETE.", "Fıle pаused"]
    assert all(attributes.flags(text) == plainly(text) for text in texts)


@pytest.mark.parametrize(
    ("line", "says"),
    [('{"id": "c1", "text": "An officer was dismissed.", "expected_stage": "sacked"}',
      "unknown stage 'sacked'"),
     ('{"id": "c1", "text": "An officer was dismissed."}', "expected_stage"),
     ("not json", "not a corpus item")],
)
def test_train_with_a_bad_corrections_line_names_it_and_writes_nothing(tmp_path, line, says):
    corrections = tmp_path / "corrections.jsonl"
    good = {"id": "c0", "title": "", "text": "A PC was dismissed.",
            "expected_stage": "outcome_dismissal"}
    corrections.write_text(json.dumps(good) + "\n" + line + "\n")
    before = (MODEL_DIR / "reader.npz").stat().st_mtime_ns
    result = CliRunner().invoke(main, ["train", "--corrections", str(corrections)])
    assert result.exit_code == 2
    assert f"{corrections}:2" in result.stderr and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (MODEL_DIR / "reader.npz").stat().st_mtime_ns == before


def test_the_lean_is_the_smallest_that_meets_the_missed_events_target() -> None:
    from monitor.stages import train

    classes = ("not_a_case_update", "referral")
    # Held-out logits: two events read as not_a_case_update by 0.05 and by 0.3.
    logits = np.array([[0.0, -0.05], [0.0, -0.3], [0.0, 1.0], [0.0, -1.0]])
    truth = ["referral", "referral", "referral", "not_a_case_update"]
    assert train.event_bias(logits, truth, classes, missed_target=0.34) == -0.06
    assert train.event_bias(logits, truth, classes, missed_target=0.0) == -0.32
    # The gate the other way: lean towards not_a_case_update until no event-free item alerts.
    gate = np.array([[0.0, 0.51], [0.0, 1.0]])
    assert train.event_bias(gate, ["not_a_case_update", "referral"], classes,
                            missed_target=None, false_target=0.0) == 0.52


def test_uncertain_marks_readings_more_likely_wrong_than_right() -> None:
    from monitor.stages import train

    classes = ("not_a_case_update", "referral")
    rng = np.random.default_rng(0)
    margin = rng.uniform(0.0, 2.0, 400)
    truth = ["referral"] * 400
    # Small margins are coin flips (half read the other way), large ones always right.
    sign = np.where((margin < 0.3) & (np.arange(400) % 2 == 0), -1.0, 1.0)
    logits = np.stack([np.zeros(400), sign * margin], axis=1)
    temperature, threshold = train.calibrate(logits, truth, classes)
    scaled = logits / temperature
    p = np.exp(scaled) / np.exp(scaled).sum(axis=1, keepdims=True)
    below = p.max(axis=1) < threshold
    assert 0.5 < threshold < 1.0 and below.any()
    assert (p[below].argmax(axis=1) == 1).mean() <= 0.5
