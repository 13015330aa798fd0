"""The stage classifier's traps (domain.md a.1–a.2) and its command-line contract."""

from __future__ import annotations

import json

from click.testing import CliRunner

from monitor.cli import main
from monitor.stages import attributes
from monitor.stages.classifier import classify
from monitor.stages.vocabulary import LADDER, STAGES, label, short_label


def test_background_event_in_a_new_release_is_ignored() -> None:
    result = classify(
        "Officers told they face investigation",
        "In 2019 the IOPC found that none of the officers had a case to answer. Previously the "
        "CPS decided not to charge anyone. Following a fresh complaint in 2024, three Cheshire "
        "Constabulary officers have now been served with misconduct notices.",
    )
    assert result.stage == "misconduct_notices_served"
    assert result.officers == 3
    assert result.evidence is not None and "served with misconduct notices" in result.evidence


def test_future_intent_is_not_the_later_stage() -> None:
    result = classify(
        "Sergeant to face hearing",
        "We found that a Kent Police sergeant has a case to answer for gross misconduct over "
        "his handling of a stalking report. He will face a misconduct hearing in due course.",
    )
    assert result.stage == "case_to_answer"
    assert result.severity == "gross_misconduct"


def test_future_reopening_decision_is_not_reinvestigation() -> None:
    result = classify(
        "Update for the family",
        "We will decide whether to re-open our investigation once we have read the coroner's "
        "report. We have told the family we will write to them again next month.",
    )
    assert result.stage == "not_a_case_update"


def test_negated_outcomes_are_not_events() -> None:
    result = classify(
        "Investigation concludes",
        "Our investigation into a collision in Ipswich found no case to answer for the two "
        "Suffolk Constabulary officers involved. The investigation has not identified any "
        "learning for the force.",
    )
    assert result.stage == "no_case_to_answer"
    assert result.officers == 2


def test_disciplinary_charge_is_not_a_criminal_charge() -> None:
    result = classify(
        "Misconduct hearing notice",
        "PC Laura Finch has been charged with breaching the standards of professional behaviour "
        "relating to confidentiality. The hearing will be held in public.",
    )
    assert result.stage == "proceedings_scheduled"


def test_prosecutor_authorised_charge_is_criminal() -> None:
    result = classify(
        "Officer charged",
        "The Crown Prosecution Service has authorised a charge of assault against a Gwent "
        "Police constable, who will appear at Newport Magistrates' Court next month.",
    )
    assert result.stage == "criminal_charge"
    assert result.force == "Gwent Police"


def test_routing_to_reflective_practice_beats_case_to_answer_wording() -> None:
    result = classify(
        "Outcome of investigation",
        "We decided a Dorset Police constable had a case to answer for misconduct over a missed "
        "welfare check. The matter will be handled through the reflective practice review "
        "process instead of a misconduct meeting.",
    )
    assert result.stage == "reflective_practice"
    assert result.route == "rprp"


def test_several_officers_several_outcomes_takes_highest_on_ladder() -> None:
    result = classify(
        "Hearing outcome",
        "A misconduct panel found allegations against four Essex Police officers proven. One "
        "constable was dismissed without notice. Two were given final written warnings and the "
        "allegation against the fourth was found not proven.",
    )
    assert result.stage == "outcome_dismissal"
    assert result.officers == 4


def test_body_wins_over_a_wrong_headline() -> None:
    result = classify(
        "Officer dismissed for gross misconduct",
        "A Surrey Police constable has been given a final written warning after a misconduct "
        "hearing found his conduct amounted to misconduct.",
    )
    assert result.stage == "outcome_sanction"
    assert result.evidence_in == "text"


def test_headline_is_used_when_the_body_reports_nothing() -> None:
    result = classify(
        "Man dies after police contact; referral made to IOPC",
        "A man has died in hospital in Exeter. His family have been informed.",
    )
    assert result.stage == "referral"
    assert result.evidence == "Man dies after police contact; referral made to IOPC"


def test_statistics_page_full_of_stage_words_is_not_a_case_update() -> None:
    result = classify(
        "Quarterly complaints figures",
        "Forces referred 1,204 cases to us this quarter, up 6 per cent. In 44 investigations we "
        "found a case to answer, and 12 officers were dismissed after hearings.",
    )
    assert result.stage == "not_a_case_update"


def test_blog_is_not_a_case_update() -> None:
    result = classify(
        "What happens after a case to answer decision?",
        "In this blog we explain what happens when officers are charged with misconduct "
        "offences, when cases are re-opened and why some hearings are accelerated.",
    )
    assert result.stage == "not_a_case_update"


def test_policy_page_is_not_a_case_update() -> None:
    result = classify(
        "Our policy on re-investigations",
        "We may re-investigate where an investigation was materially flawed or where there is "
        "significant new information, and where re-opening is in the public interest.",
    )
    assert result.stage == "not_a_case_update"


def test_hmicfrs_inspection_recommendations_are_not_a_case_update() -> None:
    result = classify(
        "Inspection of Lancashire Constabulary vetting",
        "HMICFRS has published its inspection of vetting in Lancashire Constabulary. It makes "
        "nine recommendations, and found officers were dismissed too slowly.",
    )
    assert result.stage == "not_a_case_update"


def test_no_case_to_answer_at_end_of_hearing_is_not_proven() -> None:
    result = classify(
        "Misconduct hearing result",
        "At the close of the gross misconduct hearing, the panel ruled there was no case to "
        "answer for Sergeant Omar Reid over the arrest in Slough.",
    )
    assert result.stage == "outcome_not_proven"
    assert result.officers == 1


def test_officers_arithmetic_adds_serving_and_former() -> None:
    result = classify(
        "Officers served notices",
        "Four serving and two former West Midlands Police officers have been served with gross "
        "misconduct notices.",
    )
    assert result.officers == 6
    assert result.severity == "gross_misconduct"
    assert result.force == "West Midlands Police"


def test_civilian_charged_is_not_an_officer_charge() -> None:
    result = classify(
        "Referral after death",
        "A man has been charged with murder. Northumbria Police has made a voluntary referral to "
        "the IOPC about its earlier contact with the victim.",
    )
    assert result.stage == "referral"


def test_evidence_is_a_verbatim_substring() -> None:
    text = "Sadly, the  officer  was dismissed without notice.\nHe may appeal."
    result = classify("Result", text)
    assert result.evidence is not None and result.evidence in text


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


# --- Generalisation families (held-out review, see tests/data/HELDOUT.md) -----------------
# Each test uses sentences written for it; none is copied from the held-out sets.


def test_family_wider_cues_decision_phrased_through_allegations() -> None:
    result = classify(
        "Constable to answer allegations",
        "We have concluded our investigation into a vehicle stop in Exeter. We decided that a "
        "Devon and Cornwall Police constable should answer allegations of gross misconduct "
        "concerning his use of a baton. The force is now making arrangements for the hearing.",
    )
    assert result.stage == "case_to_answer"
    assert result.severity == "gross_misconduct"
    assert result.officers == 1


def test_family_wider_cues_notices_served_in_the_passive() -> None:
    result = classify(
        "Update on Swindon custody investigation",
        "Two Wiltshire Police detention officers and a custody sergeant have been told that "
        "their conduct is being investigated. Notices explaining this were served on them on "
        "Friday.",
    )
    assert result.stage == "misconduct_notices_served"


def test_family_wider_cues_arrest_with_words_between() -> None:
    result = classify(
        "Officer arrested",
        "A Kent Police sergeant was arrested by IOPC investigators at a house in Ashford this "
        "morning on suspicion of misconduct in a public office. He was questioned under "
        "caution and released on bail.",
    )
    assert result.stage == "criminal_investigation"


def test_family_recap_with_dates_loses_to_this_releases_sentence() -> None:
    result = classify(
        "Former constable jailed",
        "A former Cheshire Constabulary constable has been sentenced to 14 months in prison "
        "for stealing from a vulnerable man. He was dismissed without notice at a special case "
        "hearing held in March and has been added to the barred list. Our original "
        "investigation found he had a case to answer for gross misconduct.",
    )
    assert result.stage == "criminal_trial_outcome"


def test_family_incident_date_does_not_make_a_decision_background() -> None:
    result = classify(
        "Decision on Brixton restraint",
        "Published 3 March 2025. We have decided that two officers will face a gross misconduct "
        "hearing over the restraint of a man in Brixton in 2021.",
    )
    assert result.stage == "case_to_answer"
    assert result.officers == 2


def test_family_at_that_time_is_background() -> None:
    result = classify(
        "Our response to comments about a long-running case",
        "We want to correct comments made this week about a hearing that ended on Monday. Our "
        "investigation finished in 2019. At that time we decided that a sergeant had a case to "
        "answer for gross misconduct, and the timing of the hearing was a matter for the force.",
    )
    assert result.stage == "not_a_case_update"


def test_family_civilian_suspect_then_pronoun_is_not_an_officer() -> None:
    result = classify(
        "Motorist charged after pursuit",
        "Callum Reeve, 23, of Mill Lane, Didcot, has been charged with causing death by "
        "dangerous driving. He will appear at Oxford Magistrates' Court on Tuesday 4 June. "
        "Thames Valley Police referred the matter to the IOPC, which has begun its own "
        "investigation into the actions of the officers who followed the car.",
    )
    assert result.stage == "investigation_opened"


def test_family_routing_to_rprp_two_sentences_after_the_decision() -> None:
    result = classify(
        "Handling of a harassment report – Dorset Police, May 2023",
        "We found that a Dorset Police constable had a case to answer for misconduct for not "
        "recording a report of harassment. His account was otherwise consistent with the "
        "evidence. The force agreed with us that he should be dealt with through the "
        "reflective practice review process rather than at a misconduct meeting.",
    )
    assert result.stage == "reflective_practice"


def test_family_pre_2020_management_action_is_reflective_practice() -> None:
    result = classify(
        "No proceedings for Lincoln officers",
        "Three Lincolnshire Police officers will not face misconduct proceedings, but each "
        "will receive management action over gaps in their custody record entries.",
    )
    assert result.stage == "reflective_practice"
    assert result.officers == 3


def test_family_criminal_limb_beside_notices_wins_the_ladder() -> None:
    result = classify(
        "Officers served with notices",
        "We have served two Surrey Police officers with gross misconduct notices. We are also "
        "investigating whether either of them may have committed a criminal offence.",
    )
    assert result.stage == "criminal_investigation"


def test_family_dismissal_phrased_as_ending_service() -> None:
    result = classify(
        "Panel outcome for former sergeant",
        "A panel found that a former Durham Constabulary sergeant committed gross misconduct. "
        "The chair said that the only appropriate outcome would have been to end her service "
        "without notice had she still been serving.",
    )
    assert result.stage == "outcome_dismissal"


def test_family_corporate_caseload_figures_are_not_a_case_event() -> None:
    result = classify(
        "Professional standards update",
        "Since April, 64 officers have been dismissed following misconduct hearings and 120 "
        "officers and staff remain suspended. A further 210 officers are awaiting a gross "
        "misconduct hearing.",
    )
    assert result.stage == "not_a_case_update"
    assert result.officers is None


def test_family_letter_on_how_a_reopening_will_be_decided_is_not_a_case_event() -> None:
    result = classify(
        "Update on our review",
        "We have written to the family to explain how we will decide whether there are "
        "compelling reasons to re-investigate. The coroner's conclusions have been received "
        "and we expect to reach a view in the spring.",
    )
    assert result.stage == "not_a_case_update"


def test_family_officer_arithmetic_adds_named_groups() -> None:
    # A count plus one more person named after it; a rank plus a count; "and another".
    assert attributes.officer_count(
        "Three constables and a custody sergeant from Norfolk Constabulary were served notices."
    ) == 4
    assert attributes.officer_count("An inspector and three constables attended the flat.") == 4
    assert attributes.officer_count(
        "One constable was given a final written warning and another was dismissed."
    ) == 2
    # A subset is not an addition.
    assert attributes.officer_count(
        "Four officers, including a sergeant, were interviewed under misconduct caution."
    ) == 4


def test_family_officers_in_separate_decisions_are_all_counted() -> None:
    result = classify(
        "Constable dismissed",
        "A Gwent Police constable has been dismissed without notice after a hearing found he "
        "had lied in a witness statement. A separate allegation against an inspector, that she "
        "failed to supervise him, was found not proven.",
    )
    assert result.stage == "outcome_dismissal"
    assert result.officers == 2


def test_family_quoted_senior_officer_is_not_a_subject() -> None:
    result = classify(
        "Death after police contact - referral",
        "A woman has died after being found unwell in a flat in Wrexham. North Wales Police has "
        "referred the matter to the IOPC. Assistant Chief Constable Nia Rhys said: \"Our "
        "thoughts are with her family.\"",
    )
    assert result.stage == "referral"
    assert result.officers is None


def test_family_two_levels_for_two_groups_report_no_single_severity() -> None:
    # Mixed levels: null rather than the higher one (the Port 2016 notices are the model).
    result = classify(
        "Notices served over Leeds custody death",
        "Nine West Yorkshire Police officers have been served with notices. Four officers have "
        "been served with gross misconduct notices and five with misconduct notices.",
    )
    assert result.stage == "misconduct_notices_served"
    assert result.officers == 9
    assert result.severity is None


# --- Families generalised from the second blind set (heldout2; those items are no longer blind).


def test_family_officer_as_the_victim_of_a_crime_is_not_a_case_event() -> None:
    # The accused is a member of the public named without an age, or the offence is against an
    # emergency worker; the officer is the victim.
    result = classify(
        "Woman charged after PC bitten during arrest",
        "A police constable needed hospital treatment after being bitten during an arrest in "
        "Swindon on Saturday. Leanne Parfitt, of Penhill, Swindon, has been charged with "
        "assaulting an emergency worker and criminal damage. She will appear at Swindon "
        "Magistrates' Court next month. In a separate case, a driver has been charged with "
        "assaulting two police officers at a checkpoint.",
    )
    assert result.stage == "not_a_case_update"


def test_family_prosecutor_decides_to_prosecute_is_a_charge() -> None:
    # PPS NI and COPFS phrase the charge as a decision; a civilian prosecuted beside is not counted.
    result = classify(
        "Prosecution decision in custody assault case",
        "The Crown Office has decided to prosecute three Police Scotland officers after "
        "considering a report from the Police Investigations and Review Commissioner. A "
        "separate decision to prosecute a man for threatening behaviour was taken last month.",
    )
    assert result.stage == "criminal_charge"
    assert result.officers == 3
    ni = classify(
        "Decision issued",
        "Prosecutors concluded there is sufficient evidence to prosecute a PSNI constable for "
        "assault following a file from the Police Ombudsman.",
    )
    assert ni.stage == "criminal_charge"


def test_family_named_officer_after_an_officer_lede_is_not_a_civilian() -> None:
    # "Name, 38, of Town" usually names a suspect, but here the first sentence says who it is.
    result = classify(
        "Officer jailed",
        "A serving Lancashire Constabulary sergeant has been jailed for two years. Darren "
        "Whitlow, 38, of Preston, admitted two counts of fraud by abuse of position. He was "
        "sentenced at Preston Crown Court on Wednesday.",
    )
    assert result.stage == "criminal_trial_outcome"
    assert result.officers == 1
    plea = classify(
        "Former officer admits offences",
        "A former Devon and Cornwall Police constable has admitted stalking. Owen Treloar, 44, "
        "of Truro, admitted two counts of stalking involving fear of violence.",
    )
    assert plea.stage == "criminal_trial_outcome"


def test_family_a_partys_view_or_application_is_not_a_decision() -> None:
    # The force's view that RPRP would do, overridden by an IOPC direction (domain.md a.2 trap).
    result = classify(
        "Constable to attend misconduct meeting",
        "Lincolnshire Police notes the IOPC's decision. The force had proposed that the "
        "sergeant's failings be dealt with through reflective practice. Having reviewed the "
        "evidence, the IOPC has directed that the sergeant attend a misconduct meeting.",
    )
    assert result.stage == "case_to_answer"
    # An application to stay a hearing is not a stay; the adjournment is the news.
    hearing = classify(
        "Hearing adjourned",
        "The gross misconduct hearing for a Thames Valley Police inspector, which opened on "
        "Tuesday 9 September, has been adjourned until 1 December. Lawyers for the inspector "
        "argued that the proceedings should be stayed as an abuse of process.",
    )
    assert hearing.stage == "proceedings_scheduled"


def test_family_a_panels_stay_ends_proceedings_without_a_finding() -> None:
    result = classify(
        "Proceedings against sergeant end",
        "The legally qualified chair concluded that the loss of the original custody footage "
        "meant a fair hearing was impossible. The misconduct proceedings against the Essex "
        "Police sergeant were stayed and no findings will be made.",
    )
    assert result.stage == "outcome_not_proven"
    paused = classify(
        "Hearing stayed",
        "The gross misconduct hearing for a Surrey Police constable has been stayed pending the "
        "outcome of his criminal trial.",
    )
    assert paused.stage != "outcome_not_proven"


def test_family_an_appeal_recalls_the_outcome_it_challenges() -> None:
    # The dismissal is dated where it is first named; its later past-tense mentions are the
    # same event, so the appeal is the news.
    result = classify(
        "Sergeant appeals",
        "A former Cleveland Police sergeant who was dismissed without notice in March 2025 has "
        "appealed to the Police Appeals Tribunal. He was dismissed after a panel found he had "
        "misused police systems. He was also placed on the barred list.",
    )
    assert result.stage == "appeal_or_review"


def test_family_inquest_release_recaps_earlier_decisions() -> None:
    # "which concluded in 2022, found that …" dates the finding; "later" carries the recap on.
    result = classify(
        "Inquest concludes",
        "An inquest jury today returned a narrative conclusion into the death of a woman "
        "detained by Durham Constabulary officers. Our investigation, which concluded in 2022, "
        "found that a custody sergeant had a case to answer for gross misconduct. A hearing "
        "subsequently found the case proven and he was given a final written warning.",
    )
    assert result.stage == "inquest"


def test_family_force_response_page_dates_old_findings() -> None:
    # A recommendations response page; "Its findings were published in …" dates the finding
    # in the sentence before it.
    result = classify(
        "Response to recommendations",
        "Dyfed-Powys Police has accepted both of the IOPC's recommendations. Recommendation 1: "
        "that custody staff receive refresher training. Response: accepted. The IOPC found that "
        "no officer had a case to answer. Its findings were published in October 2024.",
    )
    assert result.stage == "learning_recommendations"


def test_family_officer_count_covers_every_new_decision() -> None:
    # domain.md a.1 rule 7 with the heldout convention: every subject of this release's
    # decisions (1 case to answer + 3 reflective practice + 1 no case to answer = 5).
    result = classify(
        "Inspector to face hearing",
        "A Merseyside Police inspector will face a gross misconduct hearing after our "
        "investigation into a fatal collision in Bootle. Three constables will go through the "
        "reflective practice review process. We found no case to answer for a custody sergeant.",
    )
    assert result.stage == "case_to_answer"
    assert result.officers == 5
    # Parts of a headline count are not added to it.
    parts = classify(
        "Three Avon and Somerset officers to face proceedings",
        "Three Avon and Somerset Police officers will face misconduct proceedings. Two "
        "constables have a case to answer for gross misconduct. A third officer, an inspector, "
        "has a case to answer for misconduct.",
    )
    assert parts.officers == 3
    # A list of the group's members is not one more; a named officer met again is the same.
    assert attributes.officer_count(
        "Two officers, a detective who took the call and the sergeant who reviewed it, were told."
    ) == 2
    same = classify(
        "Officer acquitted",
        "A Norfolk Constabulary officer has been found not guilty of assault. PC Dale Wymer was "
        "charged in 2024. We also found that PC Wymer has a case to answer for gross misconduct.",
    )
    assert same.officers == 1


def test_family_foi_disclosure_and_questions_are_not_case_events() -> None:
    # An FOI answer asks and answers questions about many officers: no case event.
    result = classify(
        "Officers dismissed for dishonesty, 2021 to 2023",
        "Your request asked: How many Essex Police officers were dismissed without notice "
        "for dishonesty? How many were given a final written warning? We can confirm that "
        "this information is held and it is provided under the Freedom of Information Act "
        "in the attached table.",
    )
    assert result.stage == "not_a_case_update"
    # A question is not a report, whatever genre the page is.
    asked = classify(
        "Family statement",
        "Why has nobody been charged with an offence? Why was the sergeant not suspended? "
        "We will keep asking until we get answers.",
    )
    assert asked.stage == "not_a_case_update"


def test_family_policy_call_recounting_a_case_is_not_a_case_event() -> None:
    result = classify(
        "Ombudsman seeks new powers",
        "The Ombudsman has repeated its call for new powers to compel retired officers to "
        "attend interview, after a constable retired before he could be interviewed.",
    )
    assert result.stage == "not_a_case_update"
    # An infinitive names an event without reporting it; a clause going on from a dated
    # one ("proceedings in 2024, at which …") is that dated event.
    infinitive = classify(
        "Delays in misconduct cases",
        "It took three years for the sergeant to be dismissed. Thames Valley Police held a "
        "hearing in 2024, at which two officers were dismissed without notice. We have now "
        "served gross misconduct notices on a third officer.",
    )
    assert infinitive.stage == "misconduct_notices_served"


def test_family_inquest_release_dates_the_investigation_it_recalls() -> None:
    # "Our investigation concluded in <year>. We found …" and a clause joined by ';' to a
    # dated one are the recalled investigation, not news beside the inquest.
    result = classify(
        "Statement after inquest",
        "An inquest jury in Truro today recorded a narrative conclusion into the death of a "
        "woman in Devon and Cornwall Police custody. Our investigation finished in March 2023. "
        "We found that a custody sergeant had a case to answer for misconduct. He attended a "
        "misconduct meeting in 2024; the allegation was found proven and he was given a written "
        "warning.",
    )
    assert result.stage == "inquest"


def test_family_causation_finding_act_or_omission_is_no_case_to_answer() -> None:
    result = classify(
        "Death in Paisley not attributable to police",
        "The PIRC has found that the death of a 52-year-old woman in Paisley was not "
        "attributable to any act or omission on the part of the three officers who attended.",
    )
    assert result.stage == "no_case_to_answer"
    # A sheriff's or jury's determination in the same words is the court's, not the PIRC's.
    court = classify(
        "Fatal accident inquiry",
        "The sheriff determined that the death was not attributable to any act or omission "
        "by the officers.",
    )
    assert court.stage != "no_case_to_answer"


def test_family_panel_accepts_a_submission_of_no_case_to_answer() -> None:
    result = classify(
        "Hearing concludes",
        "Counsel for the sergeant argued at the half-way stage that there was no case to "
        "answer. The legally qualified chair upheld that submission and the sergeant was "
        "free to return to work.",
    )
    assert result.stage == "outcome_not_proven"
    ended = classify(
        "Misconduct meeting",
        "The misconduct meeting for a Hampshire Constabulary constable ended without any "
        "finding against him.",
    )
    assert ended.stage == "outcome_not_proven"
    refused = classify(
        "Hearing continues",
        "The officer's representative submitted that there was no case to answer. The panel "
        "rejected the submission and the hearing continues.",
    )
    assert refused.stage != "outcome_not_proven"


def test_family_sanction_ordered_on_appeal_is_the_appeal_outcome() -> None:
    result = classify(
        "Tribunal decision",
        "The Police Appeals Tribunal has allowed an appeal by a Lancashire Constabulary "
        "sergeant. The tribunal substituted a final written warning for his dismissal. The "
        "High Court later quashed the panel's costs order.",
    )
    assert result.stage == "appeal_or_review"


def test_family_hearing_notice_answering_allegations_on_a_date() -> None:
    result = classify(
        "Constable to answer allegations",
        "A Derbyshire Constabulary constable will answer three allegations at 10am on "
        "Tuesday 4 March at Ripley headquarters.",
    )
    assert result.stage == "proceedings_scheduled"


def test_family_officers_arresting_a_member_of_the_public_is_not_an_officer_event() -> None:
    result = classify(
        "Man dies after arrest",
        "Kent Police officers arrested a 40-year-old man on suspicion of burglary in Dover on "
        "Sunday. He later became unwell in custody and died. We have begun an independent "
        "investigation.",
    )
    assert result.stage == "investigation_opened"


def test_family_participle_clause_is_not_the_news() -> None:
    result = classify(
        "Constable to face hearing",
        "Having considered our report, Cumbria Constabulary has agreed to hold a gross "
        "misconduct hearing for a constable. Having reviewed its decision, the force told us "
        "it stands by that view.",
    )
    assert result.stage == "case_to_answer"


def test_family_what_happens_as_a_rule_is_not_a_case_event() -> None:
    # Generic statements ("usually", "every year", "When we find …, …") and must/should.
    result = classify(
        "Notice",
        "Each year officers are dismissed for dishonesty. When a panel finds gross misconduct "
        "proven, the officer is normally placed on the barred list. The force should hold a "
        "misconduct hearing for any officer who lies.",
    )
    assert result.stage == "not_a_case_update"


def test_family_case_vignettes_and_period_reviews_are_not_case_events() -> None:
    result = classify(
        "Professional standards update",
        "During the past three years the unit closed 208 complaint cases. In one case, an "
        "inspector was reduced in rank for bullying. For example, a detective received a "
        "written warning after losing exhibits.",
    )
    assert result.stage == "not_a_case_update"


def test_family_roundup_of_cases_in_several_forces_is_not_a_case_event() -> None:
    result = classify(
        "Latest news",
        "A Dyfed-Powys Police sergeant was dismissed without notice this month. We sent a file "
        "to the CPS about a Lincolnshire Police officer. Two Cleveland Police constables will "
        "face a gross misconduct hearing.",
    )
    assert result.stage == "not_a_case_update"
    # One case with officers from three forces named together is still a case.
    single = classify(
        "Officers arrested",
        "Two officers from Surrey Police and one from Sussex Police and Kent Police were "
        "arrested on suspicion of misconduct in public office today.",
    )
    assert single.stage == "criminal_investigation"


def test_family_stories_told_and_reports_denied_are_not_case_events() -> None:
    result = classify(
        "Response to coverage",
        "Newspaper reports claiming that a Bedfordshire Police sergeant has been sacked are "
        "wrong. At a seminar, the chief constable described a hearing where a constable was "
        "dismissed without notice. We were told the officer had been charged with fraud.",
    )
    assert result.stage == "not_a_case_update"


def test_family_general_page_titles() -> None:
    body = "A constable was dismissed without notice after lying about overtime."
    for title in (
        "Why standards matter",
        "Our standards",
        "Police dismissals: written question",
        "Statement from the family of Ben Rowe",
        "Misconduct in numbers: the year at a glance",
        "Freedom of information disclosure: dismissals",
    ):
        assert classify(title, body).stage == "not_a_case_update", title


def test_family_one_of_a_group_is_counted_once() -> None:
    result = classify(
        "Criminal investigation into Staffordshire sergeant",
        "We have begun a criminal investigation into a Staffordshire Police sergeant. She is "
        "one of six officers who have now been served with gross misconduct notices.",
    )
    assert result.stage == "criminal_investigation"
    assert result.officers == 6


def test_family_progress_update_recalls_its_events() -> None:
    # Timetable and progress updates (domain.md a.2, stage 0): the notices they mention are
    # history, even when nothing newer is announced; a state that goes on is not a step.
    for body in (
        "Six West Mercia Police officers were served with misconduct notices in January 2025 "
        "during our investigation into the collision. We expect to complete our work in the new "
        "year and we will update the public then.",
        "Our investigation into the custody death in Swindon is progressing. Three Wiltshire "
        "Police constables remain under investigation for gross misconduct. We aim to finish by "
        "the summer.",
        "We are giving an update on our investigation into the pursuit in Hull. Two Humberside "
        "Police officers have previously been served with gross misconduct notices. The "
        "investigation is nearing completion.",
    ):
        result = classify("Update on our investigation", body)
        assert result.stage == "not_a_case_update", body
        assert result.officers is None
    news = classify(
        "Update on our investigation",
        "Our investigation into the arrest in Crawley is progressing, and we have now served "
        "gross misconduct notices on two Sussex Police officers. We will update the family.",
    )
    assert news.stage == "misconduct_notices_served"
    assert news.officers == 2


def test_family_no_case_phrased_with_have() -> None:
    result = classify(
        "Officers acted lawfully, watchdog finds",
        "Our investigation into a stop and search in Luton found that two Bedfordshire Police "
        "constables do not have a case to answer. Neither officer will face disciplinary action.",
    )
    assert result.stage == "no_case_to_answer"
    assert result.officers == 2


def test_family_scottish_no_proceedings_and_directed_opening() -> None:
    no_proceedings = classify(
        "Crown Office decision on death in Perth",
        "The Crown Office has decided that there should be no criminal proceedings against two "
        "Police Scotland constables over the death of a woman in Perth. The PIRC sent its report "
        "to the Crown Office in 2024.",
    )
    assert no_proceedings.stage == "cps_no_charge"
    opening = classify(
        "Death in Ayr",
        "The Police Investigations and Review Commissioner (PIRC) is investigating the death of "
        "a man after police contact in Ayr. The matter was referred to the PIRC by Police "
        "Scotland, and the Crown Office has directed the Commissioner to carry out an "
        "independent investigation.",
    )
    assert opening.stage == "investigation_opened"


def test_family_at_that_time_after_the_cue_recalls() -> None:
    result = classify(
        "Former sergeant's appeal to be heard",
        "A former Kent Police sergeant who was dismissed for dishonesty has lodged an appeal "
        "with the Police Appeals Tribunal. She was placed on the barred list at that time. The tribunal "
        "will hear the appeal in March.",
    )
    assert result.stage == "appeal_or_review"


# --- Families from heldout5 (no longer blind); fresh sentences, not copied -------------------


def test_family_force_crime_investigation_is_not_an_investigation_into_police() -> None:
    for text in (
        "Police have launched an investigation after a woman was robbed at knifepoint in "
        "Bolton. Anyone with dashcam footage is asked to call 101.",
        "Detectives have opened an inquiry and are appealing for witnesses after a car was set "
        "alight in Salford. A 22-year-old man has been arrested.",
    ):
        assert classify("Appeal after robbery", text).stage == "not_a_case_update"
    conduct = classify(
        "Officer under investigation",
        "Police have launched an investigation into the conduct of a constable after a "
        "complaint from a member of the public.",
    )
    assert conduct.stage == "investigation_opened"


def test_family_civilians_sentenced_in_force_news_are_not_an_officer_outcome() -> None:
    for text in (
        "Two brothers who burgled homes across Wakefield have been jailed for a total of nine "
        "years. Officers recovered stolen jewellery at their flat.",
        "Four teenagers from Luton have been sentenced for a string of robberies. Detectives "
        "thanked the victims for their courage.",
    ):
        assert classify("Burglars jailed", text).stage == "not_a_case_update"


def test_family_force_wide_figures_in_words_are_statistics() -> None:
    result = classify(
        "Progress on standards",
        "Seventy-two officers were charged with criminal offences during the year, and "
        "two hundred officers were dismissed after misconduct hearings.",
    )
    assert result.stage == "not_a_case_update"


def test_family_neither_officer_had_a_case_to_answer() -> None:
    result = classify(
        "Custody death investigation concludes",
        "We found that neither constable had a case to answer for misconduct. We made two "
        "recommendations to the force about cell checks.",
    )
    assert result.stage == "no_case_to_answer"


def test_family_form_fields_before_a_question_are_read() -> None:
    result = classify(
        "Use of spit guards - Avon and Somerset Police, October 2025",
        "Recommendation Avon and Somerset Police should review its spit guard training. "
        "Date of recommendation: 1 August 2025 Date response due: 26 September 2025 Do you "
        "accept the recommendation? Accepted",
    )
    assert result.stage == "learning_recommendations"


def test_family_a_dismissal_told_as_the_sequel_of_a_plea_is_background() -> None:
    result = classify(
        "Former constable jailed",
        "A former Cumbria Police constable has been jailed for two years for misconduct in "
        "public office. After his guilty plea he was dismissed without notice at a hearing in "
        "June and added to the barred list.",
    )
    assert result.stage == "criminal_trial_outcome"


def test_without_governs_only_the_words_after_it() -> None:
    result = classify(
        "Sergeant appeals dismissal",
        "A sergeant who was dismissed without notice has appealed to the Police Appeals "
        "Tribunal.",
    )
    assert result.stage == "appeal_or_review"
    released = classify(
        "Officer released",
        "The constable was arrested and released without being charged.",
    )
    assert released.stage != "criminal_charge"


def test_look_alike_letters_in_number_words_never_crash():
    # Case-insensitive patterns match "FıVE" (dotless i); the count must degrade, not raise.
    for text in ("FıVE officers have been dismissed.", "Fİve officers were dismissed."):
        assert classify("Officers dismissed", text).stage == "outcome_dismissal"
