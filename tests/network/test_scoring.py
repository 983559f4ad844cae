"""The scoring is plain functions: exact reasons, weights and words on small inputs."""

from __future__ import annotations

from roundtable.network import scoring
from roundtable.network.scoring import Needs, Offers, Reason


def test_items_split_trim_and_drop_repeats_whatever_the_case() -> None:
    assert scoring.items(" Acme, Globex ;acme / Initech\n") == ["Acme", "Globex", "Initech"]
    assert scoring.items("") == []


def test_key_ignores_case_spacing_and_company_suffixes() -> None:
    assert scoring.key("Acme  Inc.") == scoring.key("acme") == "acme"
    assert scoring.key("Globex, LLC") == "globex"


def test_each_company_is_named_once_by_its_strongest_tie() -> None:
    needs = Needs(target_companies=("Acme", "Globex"))
    offers = Offers(current_company="ACME", past_companies=("Acme", "Globex"), can_introduce=("Globex",),
                    landed_at="")  # fmt: skip
    assert scoring.reasons(needs, offers) == [Reason("works_at", "ACME"), Reason("worked_at", "Globex")]


def test_a_landing_outranks_working_there() -> None:
    needs = Needs(target_companies=("Acme",))
    offers = Offers(current_company="Acme", landed_at="Acme")
    assert scoring.reasons(needs, offers) == [Reason("landed_at", "Acme")]


def test_reasons_are_ordered_by_weight_and_scored_by_their_sum() -> None:
    needs = Needs(target_companies=("Acme",), target_roles=("Data analyst",), industries=("Healthcare",),
                  search_status="searching")  # fmt: skip
    offers = Offers(past_companies=("Acme",), target_roles=("data analyst",), industries=("healthcare",),
                    expertise=("Data Analyst",), can_introduce=("Healthcare",), search_status="searching")  # fmt: skip
    found = scoring.reasons(needs, offers)
    assert found == [
        Reason("worked_at", "Acme"),
        Reason("introduces_in", "Healthcare"),
        Reason("expert_in_role", "Data Analyst"),
        Reason("same_role", "data analyst"),
        Reason("same_field", "healthcare"),
        Reason("same_stage", ""),
    ]
    assert scoring.score(found) == 4 + 3 + 3 + 2 + 1 + 1


def test_a_field_counts_as_work_only_for_someone_employed() -> None:
    needs = Needs(industries=("Healthcare",), search_status="searching")
    assert scoring.reasons(needs, Offers(industries=("Healthcare",), search_status="helping")) == [
        Reason("works_in_field", "Healthcare")
    ]
    assert scoring.reasons(needs, Offers(industries=("Healthcare",), search_status="")) == []


def test_the_same_stage_alone_is_below_the_bar() -> None:
    found = scoring.reasons(Needs(search_status="searching"), Offers(search_status="searching"))
    assert found == [Reason("same_stage", "")]
    assert scoring.score(found) < scoring.MIN_SCORE


def test_words_to_the_viewer_and_between_two_people() -> None:
    reason = Reason("worked_at", "Acme")
    assert scoring.to_viewer(reason) == "worked at Acme, where you want a role"
    assert scoring.between(reason, a="Ann", b="Ben") == "Ben worked at Acme, where Ann wants a role"
    assert scoring.to_viewer(Reason("same_role", "data analyst")) == "also looking for data analyst roles"


def test_needs_and_offers_read_only_the_fields_given() -> None:
    fields = {"display_name": "Bea", "current_company": "Acme", "target_companies": "Globex"}
    assert scoring.offers_of(fields) == Offers(current_company="Acme")
    assert scoring.needs_of(fields) == Needs(target_companies=("Globex",))
