"""Every page's promise about who sees what matches what the app really shows: the promise table
(``equipoise.web.promises``) is walked against every page of the authorization matrix."""

from __future__ import annotations

import re
from typing import Any

import markupsafe
import pytest

from equipoise.store import actions, agreement
from equipoise.store.models import CheckIn, StoredTranscript, TherapySession, User
from equipoise.web import promises

from .conftest import Practice, post, sign_in
from .test_authorization import API_ONLY, DESTRUCTIVE, HTML_ONLY, MATRIX, fill

COMMENT = "Zorbleflax"  # the client's comment
OTHER = "Quintaversal"  # their "something else" answer
MARKED = "Brindlewick"  # their comment on an item of the practice agreement
PARTY_USER = {"therapist": "therapist_a", "supervisor": "supervisor", "administrator": "admin"}
JSON = {"accept": "application/json"}


def mark_client_words(practice: Practice) -> str:
    """Give client A's first check-in unique words; returns a phrase of the session's conversation."""
    with practice.app.state.equipoise.sessions.begin() as db:
        session = db.get(TherapySession, practice.pks["session_a1"])
        actions.save_answers(db, CheckIn, session, {"heard": 2, "say": 2, "disagree": 1, "matters": 3,
                                                    "who_held": "other", "who_held_other": OTHER,
                                                    "comment": COMMENT})
        turns = db.get(StoredTranscript, session.id).turns
        version = agreement.versions(db, session.client)[-1]
        agreement.add_mark(db, version, "fee", "no_say", MARKED)
    phrases = [m.group(0) for t in turns for m in re.finditer(r"[A-Za-z][A-Za-z ]{30,}[A-Za-z]", t["text"])]
    return max(phrases, key=len)


def pages_of(practice: Practice, user: str) -> list[str]:
    """Every GET page (HTML and JSON twin) that ``user`` may open for object "a"."""
    urls = []
    for (method, path), allowed in sorted(MATRIX.items()):
        if method != "GET" or (method, path) in DESTRUCTIVE or user not in allowed("a"):
            continue
        url = fill(path, practice, "a")
        if (method, path) not in API_ONLY:
            urls.append(url)
        if (method, path) not in HTML_ONLY:
            urls.append("/api" + url)
    return urls


def shown(browser: Any, urls: list[str], text: str) -> list[str]:
    out = []
    for url in urls:
        body = browser.get(url).text
        if text in body or str(markupsafe.escape(text)) in body:
            out.append(url)
    return out


def set_names_shared(practice: Practice, shared: bool) -> None:
    with practice.app.state.equipoise.sessions.begin() as db:
        therapist = db.get(User, practice.ids["therapist_a"])
        supervisor = db.get(User, practice.ids["supervisor"])
        actions.set_share(db, therapist, supervisor, shared=True, show_client_names=shared)


@pytest.mark.parametrize(("allows", "names"), [(False, False), (True, True)])
def test_every_party_sees_exactly_what_the_promises_say(practice: Practice, allows: bool,
                                                        names: bool) -> None:
    phrase = mark_client_words(practice)
    client = sign_in(practice.client(), "client_a")
    assert post(client, "/consent/sharing", {"comments_to_supervisor": "yes" if allows else "no"},
                headers=JSON).status_code == 200
    set_names_shared(practice, names)
    for party, user in PARTY_USER.items():
        browser = sign_in(practice.client(), user)
        urls = pages_of(practice, user)
        for kind, text in (("words", COMMENT), ("words", OTHER), ("words", MARKED), ("conversation", phrase)):
            expected = promises.sees(party, kind, allows_supervisor=allows, names_shared=names)
            found = shown(browser, urls, text)
            assert bool(found) == expected, f"{party} ({user}) {kind}: promised {expected}, shown on {found}"
        for kind, url in (("answers", f"/api/sessions/{practice.ids['session_a1']}/compare"),
                          ("analyses", f"/api/sessions/{practice.ids['session_a1']}/profile")):
            expected = promises.sees(party, kind, allows_supervisor=allows, names_shared=names)
            assert (browser.get(url).status_code == 200) == expected, f"{party} {kind}"


def test_the_only_exports_are_the_clients_own_and_the_research_table(practice: Practice) -> None:
    # Nothing leaves through the app but the client's own download and the therapist's research table,
    # which holds the measured numbers and none of the client's answers, words or conversations.
    exports = {path for _method, path in MATRIX if "export" in path or "research" in path}
    assert exports == {"/me/export", "/research", "/research/sessions.csv"}
    for kind, expected in (("answers", False), ("words", False), ("conversation", False), ("analyses", True)):
        assert promises.sees("research", kind, allows_supervisor=True, names_shared=True) is expected, kind


def test_the_invitation_consent_and_thank_you_pages_make_the_same_promises(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    consent = client.get("/consent").text
    thanks = post(client, f"/sessions/{practice.ids['session_a1']}/check-in",
                  {"heard": "3", "say": "3", "disagree": "3", "matters": "3", "who_held": "equal"}).text
    therapist = sign_in(practice.client(), "therapist_a")
    new = post(therapist, "/clients", {"label": "New"}, headers=JSON).json()["client_id"]
    invite = post(therapist, f"/clients/{new}/invite", headers=JSON).json()["invite_url"]
    invitation = practice.client().get(invite.removeprefix("http://127.0.0.1")).text
    for page in (consent, thanks, invitation):
        for party in promises.PARTIES:
            assert str(markupsafe.escape(party.sentence)) in page, party.key
        assert "Nobody else" not in page
    assert "do not reach a supervisor" in thanks and "do not reach a supervisor" in consent
