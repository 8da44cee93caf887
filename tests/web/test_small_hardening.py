"""Smaller hardening items (issue 13, item 9): links from a configured base URL, the password rule,
impossible ids, an invitation that does not tell which addresses have accounts."""

from __future__ import annotations

import pytest

from equipoise.web.security import password_problem

from .conftest import PASSWORD, Practice, make_app, post, seed_practice, sign_in

JSON = {"accept": "application/json"}


def test_invitation_and_check_in_links_ignore_the_host_header(sqlite_url: str) -> None:
    app = make_app(sqlite_url, base_url="https://practice.example.org/")
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        evil = {**JSON, "host": "evil.example"}
        with app.state.equipoise.sessions.begin() as db:
            from equipoise.store import actions
            from equipoise.store.models import User

            client_id = actions.create_client(db, db.get(User, practice.ids["therapist_a"]), "New").public_id
        invite = post(therapist, f"/clients/{client_id}/invite", headers=evil).json()["invite_url"]
        assert invite.startswith("https://practice.example.org/invite/")
        page = therapist.get(f"/api/sessions/{practice.ids['session_a1']}", headers=evil).json()
        assert page["check_in_url"] == f"https://practice.example.org/sessions/{practice.ids['session_a1']}" \
                                       "/check-in"
    finally:
        app.state.engine.dispose()


def test_without_a_base_url_links_are_paths_not_the_host_header(sqlite_url: str) -> None:
    app = make_app(sqlite_url, base_url="")
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        page = therapist.get(f"/api/sessions/{practice.ids['session_a1']}",
                             headers={**JSON, "host": "evil.example"}).json()
        assert page["check_in_url"] == f"/sessions/{practice.ids['session_a1']}/check-in"
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize("password", ["aaaaaaaaaa", " " * 10, "ababababab", "1234567890", "Password123",
                                      "qwertyuiop"])
def test_weak_or_common_passwords_are_refused(password: str) -> None:
    assert password_problem(password) is not None


@pytest.mark.parametrize("password", ["correct horse battery", "a long passphrase", "Tr0ub4dor&3x"])
def test_good_passwords_are_accepted(password: str) -> None:
    assert password_problem(password) is None


def _invitation(therapist: object, label: str) -> str:
    client_id = post(therapist, "/clients", {"label": label}, headers=JSON).json()["client_id"]
    url = post(therapist, f"/clients/{client_id}/invite", headers=JSON).json()["invite_url"]
    return str(url).removeprefix("http://127.0.0.1")


@pytest.mark.parametrize("headers", [{}, JSON], ids=["form", "json"])
def test_an_invitation_answers_alike_whether_or_not_the_address_has_an_account(
        practice: Practice, headers: dict[str, str]) -> None:
    from equipoise.store.models import User

    therapist = sign_in(practice.client(), "therapist_a")
    answers = []
    chosen = "a long passphrase"
    assert chosen != PASSWORD
    for label, email in (("Kim", "therapist_b@test.example"), ("Lou", "newcomer@test.example")):
        path = _invitation(therapist, label)
        browser = practice.client()
        response = post(browser, path, {"email": email, "display_name": label, "password": chosen},
                        headers=headers, follow_redirects=False)
        answers.append((response.status_code, response.headers.get("location"), response.content,
                        sorted(browser.cookies.keys())))
        assert browser.get(path).status_code == 404  # used up either way
    assert answers[0] == answers[1] and answers[0][0] in (200, 303)

    with practice.app.state.equipoise.sessions() as db:
        assert db.query(User).filter(User.email == "therapist_b@test.example").one().display_name == \
            "Therapist_B"  # the existing account is untouched
    sign_in(practice.client(), "therapist_b")  # with its own password, as before
    newcomer = practice.client()
    signed = post(newcomer, "/login", {"email": "newcomer@test.example", "password": chosen,
                                       "next": "/consent"}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/consent"
    taken = post(practice.client(), "/login", {"email": "therapist_b@test.example", "password": chosen})
    assert taken.status_code == 400  # the invitation did not change the existing account's password
    assert "If this e-mail address had no account here" in practice.client().get("/login?joined=1").text


def test_an_id_beyond_64_bits_is_not_found_rather_than_a_server_error(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    for path in (f"/api/sessions/{2**63}", f"/api/clients/{2**63}", f"/sessions/{'9' * 40}/report"):
        response = therapist.get(path, headers=JSON)
        assert response.status_code == 404, path
    assert therapist.get(f"/api/sessions/{2**63 - 1}", headers=JSON).status_code == 404


def test_a_client_cannot_tell_whether_the_therapist_wrote_a_reflection(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    course = client.get(f"/api/clients/{practice.ids['record_a']}/course", headers=JSON).json()
    assert [s["has_reflection"] for s in course["sessions"]] == [None, None]
    page = client.get(f"/api/sessions/{practice.ids['session_a1']}", headers=JSON).json()
    assert page["session"]["has_reflection"] is None
    therapist = sign_in(practice.client(), "therapist_a")
    course = therapist.get(f"/api/clients/{practice.ids['record_a']}/course", headers=JSON).json()
    assert [s["has_reflection"] for s in course["sessions"]] == [True, False]


def test_two_supervisors_with_one_display_name_can_be_told_apart(practice: Practice) -> None:
    from equipoise.store.models import User

    with practice.app.state.equipoise.sessions.begin() as db:
        for user in db.query(User).filter(User.role == "supervisor"):
            user.display_name = "Dr Lee"
    therapist = sign_in(practice.client(), "therapist_a")
    rows = therapist.get("/api/supervision", headers=JSON).json()["supervisors"]
    assert len({(r["display_name"], r["email"]) for r in rows}) == len(rows) == 2
    assert all(r["email"] in therapist.get("/supervision").text for r in rows)


def test_a_report_is_rendered_once_per_profile_and_reader(practice: Practice,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from equipoise.web.routes import sessions

    calls: list[str] = []
    real = sessions.session_report

    def counting(profile, transcript, audience):  # type: ignore[no-untyped-def]
        calls.append(audience)
        return real(profile, transcript, audience)

    monkeypatch.setattr(sessions, "session_report", counting)
    therapist = sign_in(practice.client(), "therapist_a")
    client = sign_in(practice.client(), "client_a")
    url = f"/sessions/{practice.ids['session_a1']}/report"
    first = therapist.get(url).text
    assert therapist.get(url).text == first and therapist.get(url).status_code == 200
    assert client.get(url).text != first  # the client's version is its own entry
    client.get(url)
    assert calls == ["therapist", "client"]
    other = sign_in(practice.client(), "therapist_b")
    assert other.get(url).status_code == 404  # the cache never bypasses authorisation


def test_a_chart_drawn_again_for_the_same_numbers_is_not_redrawn(monkeypatch: pytest.MonkeyPatch) -> None:
    from equipoise.report import charts as report_charts
    from equipoise.web import charts

    drawn: list[int] = []
    monkeypatch.setattr(report_charts, "to_svg", lambda spec: drawn.append(1) or "<svg ></svg>")
    charts._DRAWN.clear()
    spec = {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}}
    first = charts.render(spec, "a chart")
    assert charts.render(dict(spec), "a chart") == first
    charts.render({**spec, "data": {"values": [{"x": 2}]}}, "a chart")
    assert len(drawn) == 2
    charts._DRAWN.clear()


def test_readers_arriving_together_at_an_uncached_report_wait_for_one_rendering() -> None:
    # Twenty users opening the same report at once rendered it twenty times (benchmarks/web_load.py: report
    # p95 3.7 s against 25 ms for a cached one). Now the first renders and the others wait for it.
    import threading

    from equipoise.web.cache import ReportCache

    cache = ReportCache()
    started, release = threading.Event(), threading.Event()
    rendered: list[int] = []

    def render() -> str:
        rendered.append(1)
        started.set()
        release.wait(10)
        return "<html>report</html>"

    results: list[str] = []
    readers = [threading.Thread(target=lambda: results.append(cache.get_or_render("key", render)))
               for _ in range(5)]
    readers[0].start()
    started.wait(10)
    for reader in readers[1:]:
        reader.start()
    release.set()
    for reader in readers:
        reader.join(10)
    assert results == ["<html>report</html>"] * 5
    assert len(rendered) == 1
    assert cache.get_or_render("other", lambda: "b") == "b"   # other keys never wait on it


def test_a_failed_rendering_lets_the_waiting_reader_render_for_itself() -> None:
    from equipoise.web.cache import ReportCache

    cache = ReportCache()

    def fail() -> str:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        cache.get_or_render("key", fail)
    assert cache.get_or_render("key", lambda: "fine") == "fine"
