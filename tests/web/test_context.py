"""The people's own context: each person's self-description, read only by those its owner chose, changed
or deleted at any time, erased with consent; the differences prompt, only where both allow it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from equipoise.store.models import AuditEvent, SelfDescription
from equipoise.web.context import differences

from .conftest import Practice, post, sign_in
from .test_promises import pages_of, shown

JSON = {"accept": "application/json"}
CLIENT_WORDS = "Grewupquillfeather"
THERAPIST_WORDS = "Lanternoakmeadow"
USERS = ("therapist_a", "therapist_b", "client_a", "client_b", "supervisor", "supervisor_b", "admin")


def describe(practice: Practice, who: str, form: dict[str, Any]) -> Any:
    browser = sign_in(practice.client(), who)
    response = post(browser, "/me/context", form, headers=JSON)
    assert response.status_code == 200, response.text
    return browser


def client_form(**flags: str) -> dict[str, str]:
    return {"age_range": "25_34", "class_background": "working", "class_background_words": CLIENT_WORDS,
            "gender": "woman", **flags}


def therapist_form(**flags: str) -> dict[str, str]:
    return {"age_range": "45_54", "class_background": "upper", "own_words_words": THERAPIST_WORDS,
            "gender": "woman", **flags}


def readers_of(practice: Practice, words: str) -> set[str]:
    """Who finds ``words`` on any page they may open for object "a"."""
    found = set()
    for user in USERS:
        browser = sign_in(practice.client(), user)
        if shown(browser, pages_of(practice, user), words):
            found.add(user)
    return found


def test_a_client_describes_themself_and_reads_it_back(practice: Practice) -> None:
    client = describe(practice, "client_a", client_form(to_therapist="yes"))
    page = client.get("/api/me/context").json()
    assert page["exists"]
    assert page["values"]["class_background"] == {"choice": "working", "words": CLIENT_WORDS}
    assert {a["flag"]: a["on"] for a in page["audiences"]} == {"to_therapist": True, "to_supervisor": False,
                                                                "to_research": False}
    html = client.get("/me/context").text
    assert 'value="working" checked' in html and CLIENT_WORDS in html
    assert client.get("/api/me/export").json()["self_description"]["readers"]["to_therapist"] is True


def test_it_is_encrypted_at_rest(practice: Practice) -> None:
    describe(practice, "client_a", client_form())
    with practice.app.state.engine.connect() as db:
        raw = db.execute(text("SELECT details FROM self_descriptions")).scalar_one()
    assert raw.startswith("gAAAA") and CLIENT_WORDS not in raw and "working" not in raw


def test_only_the_readers_the_client_chose_see_it(practice: Practice) -> None:
    describe(practice, "client_a", client_form())
    assert readers_of(practice, CLIENT_WORDS) == {"client_a"}
    describe(practice, "client_a", client_form(to_therapist="yes"))
    assert readers_of(practice, CLIENT_WORDS) == {"client_a", "therapist_a"}
    describe(practice, "client_a", client_form(to_supervisor="yes", to_research="yes"))
    assert readers_of(practice, CLIENT_WORDS) == {"client_a", "supervisor"}


def test_only_the_readers_the_therapist_chose_see_theirs(practice: Practice) -> None:
    describe(practice, "therapist_a", therapist_form())
    assert readers_of(practice, THERAPIST_WORDS) == {"therapist_a"}
    describe(practice, "therapist_a", therapist_form(to_client="yes"))
    assert readers_of(practice, THERAPIST_WORDS) == {"therapist_a", "client_a"}
    describe(practice, "therapist_a", therapist_form(to_supervisor="yes"))
    assert readers_of(practice, THERAPIST_WORDS) == {"therapist_a", "supervisor"}


PROMPT = "differ in age and class background"


def prompt_readers(practice: Practice) -> set[str]:
    ids = practice.ids
    urls = [f"/sessions/{ids['session_a1']}", f"/clients/{ids['record_a']}/course",
            f"/api/sessions/{ids['session_a1']}"]
    found = set()
    for user in ("therapist_a", "client_a", "supervisor"):
        browser = sign_in(practice.client(), user)
        if any(PROMPT in browser.get(url).text for url in urls):
            found.add(user)
    return found


def test_the_differences_prompt_needs_both_descriptions_and_both_permissions(practice: Practice) -> None:
    describe(practice, "client_a", client_form(to_therapist="yes"))
    assert prompt_readers(practice) == set()                      # the therapist has not described themself
    describe(practice, "therapist_a", therapist_form(to_supervisor="yes"))
    assert prompt_readers(practice) == set()                      # nor let the client read it
    describe(practice, "therapist_a", therapist_form(to_client="yes"))
    assert prompt_readers(practice) == {"therapist_a", "client_a"}  # never the supervisor
    client = sign_in(practice.client(), "client_a")
    page = client.get(f"/api/sessions/{practice.ids['session_a1']}").json()["context_prompt"]
    assert page["dimensions"] == ["age", "class background"]
    assert "You and your therapist differ in age and class background" in page["text"]
    assert "not a score" in page["about"]
    describe(practice, "client_a", client_form())                 # the client takes it back
    assert prompt_readers(practice) == set()


@pytest.mark.parametrize(("client", "therapist", "expected"), [
    ({"age_range": {"choice": "25_34"}}, {"age_range": {"choice": "35_44"}}, []),       # neighbours
    ({"age_range": {"choice": "25_34"}}, {"age_range": {"choice": "45_54"}}, ["age"]),
    ({"gender": {"words": "woman"}}, {"gender": {"choice": "man"}}, []),                # words never
    ({"gender": {"words": "a"}}, {"gender": {"words": "b"}}, []),
    ({"sexual_orientation": {"choice": "gay_lesbian"}}, {"sexual_orientation": {"choice": "bisexual"}}, []),
    ({"sexual_orientation": {"choice": "gay_lesbian"}}, {"sexual_orientation": {"choice": "heterosexual"}},
     ["sexual orientation"]),
    ({"ethnicity": {"choice": "minoritised"}, "language": {"choice": "other"}},
     {"ethnicity": {"choice": "majority"}, "language": {"choice": "first"}}, ["ethnicity", "language"]),
    ({"disability": {"choice": "yes"}}, {}, []),                                        # one side only
])
def test_only_chosen_answers_are_compared_and_carefully(client: dict[str, Any], therapist: dict[str, Any],
                                                        expected: list[str]) -> None:
    assert differences(client, therapist) == expected


def test_an_unknown_choice_is_refused_without_repeating_it(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    response = post(client, "/me/context", {"gender": "Unlistedvalue"}, headers=JSON)
    assert response.status_code == 400 and "Unlistedvalue" not in response.text
    assert "Gender" in response.json()["error"]


def test_deleting_asks_first_then_erases_and_is_audited_without_words(practice: Practice) -> None:
    client = describe(practice, "client_a", client_form(to_therapist="yes"))
    assert post(client, "/me/context/delete", {}, headers=JSON).status_code == 400
    assert post(client, "/me/context/delete", {"sure": "yes"}, headers=JSON).status_code == 200
    assert client.get("/api/me/context").json()["exists"] is False
    assert readers_of(practice, CLIENT_WORDS) == set()
    with practice.app.state.equipoise.sessions() as db:
        assert db.query(SelfDescription).count() == 0
        events = db.query(AuditEvent).filter_by(object_kind="self_description").all()
    assert [e.action for e in events] == ["created", "deleted"]
    assert events[0].details == "parts: 3; readers: therapist"
    assert all(CLIENT_WORDS not in (e.details or "") and "working" not in (e.details or "") for e in events)
    trail = client.get("/api/me/audit").json()["events"]
    assert any(e["object_kind"] == "self_description" for e in trail)


def test_withdrawing_consent_erases_the_clients_self_description(practice: Practice) -> None:
    client = describe(practice, "client_a", client_form(to_therapist="yes"))
    describe(practice, "therapist_a", therapist_form(to_client="yes"))
    response = post(client, "/consent/revoke", {"sure": "yes"}, headers=JSON)
    assert response.json()["deleted"]["self_descriptions"] == 1
    with practice.app.state.equipoise.sessions() as db:
        assert db.get(SelfDescription, practice.ids["client_a"]) is None
        assert db.get(SelfDescription, practice.ids["therapist_a"]) is not None   # the therapist's own stays
