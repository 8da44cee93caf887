"""Authorization matrix: every role × every route × their own and someone else's object.

Only the owner and those they shared with get through; everyone else gets 401 (not signed in), 403 (wrong
role) or 404 (an object they may not see). "Gets through" means any answer but those three (a 400 for an
empty form or a 409 for an existing account still means the checks let the user in).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .conftest import Practice, make_app, post, seed_practice, sign_in

USERS = ("therapist_a", "therapist_b", "client_a", "client_b", "supervisor", "supervisor_b", "admin",
         "anonymous")
DENIED = {401, 403, 404}

# Who relates to object "a" and object "b" (the practice of therapist A, shared with "supervisor", and
# the practice of therapist B, shared with nobody).
OWNER = {"a": {"therapist_a"}, "b": {"therapist_b"}}
SELF = {"a": {"client_a"}, "b": {"client_b"}}
SUPERVISOR = {"a": {"supervisor"}, "b": set()}


def owner(x: str) -> set[str]:
    return OWNER[x]


def owner_sup(x: str) -> set[str]:
    return OWNER[x] | SUPERVISOR[x]


def owner_sup_self(x: str) -> set[str]:
    return OWNER[x] | SUPERVISOR[x] | SELF[x]


def client_self(x: str) -> set[str]:
    return SELF[x]


def role(*roles: str) -> Callable[[str], set[str]]:
    return lambda _x: {u for u in USERS if u.rstrip("_ab").removesuffix("_") in roles}


def everyone(_x: str) -> set[str]:
    return set(USERS)


def nobody(_x: str) -> set[str]:
    return set()


# (method, path) -> who gets through for object "a" / "b". Paths are the HTML paths; GET pages are checked
# at both the HTML path and the /api twin.
MATRIX: dict[tuple[str, str], Callable[[str], set[str]]] = {
    ("GET", "/"): everyone,
    ("GET", "/login"): everyone,
    ("POST", "/login"): everyone,
    ("POST", "/logout"): everyone,
    ("GET", "/invite/{token}"): nobody,  # a made-up token is never valid
    ("POST", "/invite/{token}"): nobody,
    ("GET", "/clients"): role("therapist"),
    ("POST", "/clients"): role("therapist"),
    ("GET", "/clients/{client_id}"): owner_sup,
    ("POST", "/clients/{client_id}/invite"): owner,
    ("GET", "/clients/{client_id}/upload"): owner,
    ("POST", "/clients/{client_id}/sessions"): owner,
    ("GET", "/clients/{client_id}/course"): owner_sup_self,
    ("GET", "/clients/{client_id}/course/report"): owner_sup_self,
    ("GET", "/sessions/{session_id}"): owner_sup_self,
    ("GET", "/sessions/{session_id}/report"): owner_sup_self,
    ("GET", "/sessions/{session_id}/profile"): owner_sup_self,
    ("GET", "/sessions/{session_id}/compare"): owner_sup,
    ("GET", "/sessions/{session_id}/reflection"): owner,
    ("POST", "/sessions/{session_id}/reflection"): owner,
    ("GET", "/sessions/{session_id}/check-in"): client_self,
    ("POST", "/sessions/{session_id}/check-in"): client_self,
    ("POST", "/sessions/{session_id}/delete"): owner,
    ("GET", "/sessions/{session_id}/edit"): owner,
    ("POST", "/sessions/{session_id}/comments"): lambda x: SUPERVISOR[x],
    ("POST", "/sessions/{session_id}/edit"): owner,
    ("POST", "/sessions/{session_id}/unblind"): lambda x: OWNER[x] | SELF[x],
    ("GET", "/clients/{client_id}/agreement"): owner_sup_self,
    ("POST", "/clients/{client_id}/agreement"): owner,
    ("POST", "/clients/{client_id}/agreement/marks"): client_self,
    ("POST", "/clients/{client_id}/agreement/marks/{mark_id}/answer"): owner,
    ("GET", "/me"): role("client"),
    ("GET", "/me/export"): role("client"),
    ("GET", "/me/audit"): role("client"),
    ("GET", "/admin/audit"): role("admin"),
    ("GET", "/consent"): role("client"),
    ("POST", "/consent"): role("client"),
    ("POST", "/consent/revoke"): role("client"),
    ("POST", "/consent/sharing"): role("client"),
    ("GET", "/me/context"): role("client", "therapist"),
    ("POST", "/me/context"): role("client", "therapist"),
    ("POST", "/me/context/delete"): role("client", "therapist"),
    ("GET", "/supervision"): role("therapist"),
    ("GET", "/research"): role("therapist"),  # each therapist's own clients only (tested below)
    ("GET", "/research/sessions.csv"): role("therapist"),
    ("POST", "/supervision"): role("therapist"),
    ("GET", "/supervisees"): role("supervisor"),
    ("GET", "/supervisees/{therapist_id}"): lambda x: SUPERVISOR[x],
    ("GET", "/admin/users"): role("admin"),
    ("POST", "/admin/users/{user_id}"): role("admin"),
    ("GET", "/account/password"): lambda _x: set(USERS) - {"anonymous"},
    ("POST", "/account/password"): lambda _x: set(USERS) - {"anonymous"},
    ("GET", "/reset/{token}"): nobody,  # a made-up token is never valid
    ("POST", "/reset/{token}"): nobody,
    ("POST", "/admin/users"): role("admin"),
}
# JSON with no page: a session's profile, and the client's "Download my data" file.
API_ONLY = {("GET", "/sessions/{session_id}/profile"), ("GET", "/me/export")}
# A file with no JSON twin: the research export's CSV (its page, /research, has one).
HTML_ONLY = {("GET", "/sessions/{session_id}/report"), ("GET", "/clients/{client_id}/course/report"),
             ("GET", "/research/sessions.csv")}
# These change what the other cases see, so each user gets a fresh practice.
DESTRUCTIVE = {("POST", "/sessions/{session_id}/delete"), ("POST", "/consent/revoke"), ("POST", "/logout"),
               ("POST", "/login")}


def fill(path: str, practice: Practice, x: str) -> str:
    ids = practice.ids
    return path.format(client_id=ids[f"record_{x}"], session_id=ids[f"session_{x}1"],
                       therapist_id=ids[f"therapist_{x}"], user_id=ids[f"therapist_{x}"],
                       mark_id=ids[f"mark_{x}"],
                       token="not-a-real-invitation")


def browsers(practice: Practice) -> dict[str, Any]:
    out = {}
    for user in USERS:
        browser = practice.client()
        out[user] = browser if user == "anonymous" else sign_in(browser, user)
    return out


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Practice, dict[str, Any]]]:
    app = make_app(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'matrix.db'}")
    practice = seed_practice(app)
    yield practice, browsers(practice)
    app.state.engine.dispose()


def request(browser: Any, method: str, url: str) -> Any:
    if method == "GET":
        return browser.get(url, follow_redirects=False)
    # "sure" confirms the destructive routes, so an owner's deletion really runs.
    return post(browser, url, {"email": "nobody@test.example", "password": "wrong", "sure": "yes"},
                follow_redirects=False, headers={"accept": "application/json"})


def check(practice: Practice, browser: Any, user: str, method: str, path: str, x: str) -> None:
    allowed = user in MATRIX[(method, path)](x)
    url = fill(path, practice, x)
    urls = []
    if method == "POST" or (method, path) not in API_ONLY:
        urls.append(url)
    if method == "GET" and (method, path) not in HTML_ONLY:
        urls.append("/api" + url)
    if (method, path) in API_ONLY:
        urls = ["/api" + url]
    for target in urls:
        response = request(browser, method, target)
        where = f"{user} {method} {target} (object {x})"
        assert response.status_code < 500, where
        if allowed:
            assert response.status_code not in DENIED, f"{where} was refused with {response.status_code}"
        else:
            status = response.status_code
            if status == 303 and not target.startswith("/api"):  # a browser is sent to sign in
                assert user == "anonymous" and response.headers["location"].startswith("/login"), where
                continue
            assert status in DENIED, f"{where} got through with {status}"
            if user == "anonymous":
                assert status in (401, 404), where
            body = response.text
            assert "Secret Name" not in body and "Dr Okafor" not in body, f"{where} leaked data"


@pytest.mark.parametrize(("method", "path"), sorted(set(MATRIX) - DESTRUCTIVE),
                         ids=[f"{m} {p}" for m, p in sorted(set(MATRIX) - DESTRUCTIVE)])
def test_only_owners_and_those_they_shared_with_get_through(shared: tuple[Practice, dict[str, Any]],
                                                            method: str, path: str) -> None:
    practice, users = shared
    for user in USERS:
        for x in ("a", "b"):
            check(practice, users[user], user, method, path, x)


@pytest.mark.parametrize(("method", "path"), sorted(DESTRUCTIVE),
                         ids=[f"{m} {p}" for m, p in sorted(DESTRUCTIVE)])
def test_destructive_routes_only_let_the_owner_through(sqlite_url: str, method: str, path: str) -> None:
    app = make_app(sqlite_url)
    try:
        practice = seed_practice(app)
        users = browsers(practice)
        # The owners go last, so a deletion does not change what the others see.
        order = sorted(USERS, key=lambda u: u in MATRIX[(method, path)]("a") | MATRIX[(method, path)]("b"))
        for user in order:
            for x in ("b", "a"):
                check(practice, users[user], user, method, path, x)
    finally:
        app.state.engine.dispose()


# Routes of the framework, not of the app: the OpenAPI description and the static files are public.
FRAMEWORK = {("GET", "/api/openapi.json"), ("HEAD", "/api/openapi.json"), ("MOUNT", "/static")}
# Files of the app, not pages: public because they hold no data (and have no JSON twin). Browsers ask for
# /favicon.ico by themselves, signed in or not.
PUBLIC_FILES = {("GET", "/favicon.ico")}


def app_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, path) the app answers, walking included routers (flattened or, in newer FastAPI,
    kept as included-router objects) and mounts."""
    from starlette.routing import Mount

    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from app_routes(included.routes, prefix + str(getattr(context, "prefix", "") or ""))
        elif isinstance(route, Mount):
            yield "MOUNT", prefix + route.path
        else:
            for method in route.methods or ():
                yield method, prefix + route.path


def test_every_route_of_the_app_is_in_the_matrix(shared: tuple[Practice, dict[str, Any]]) -> None:
    practice, _users = shared
    found = set()
    for method, path in app_routes(practice.app.routes):
        if (method, path) in FRAMEWORK | PUBLIC_FILES:
            continue
        if path == "/api/":
            path = "/"
        elif path.startswith("/api/"):
            path = path.removeprefix("/api")
        found.add((method, path))
    assert ("GET", "/sessions/{session_id}/compare") in found  # the walk reached the included routers
    assert found == set(MATRIX), f"routes missing from the matrix: {found - set(MATRIX)}; " \
                                 f"in the matrix but not in the app: {set(MATRIX) - found}"
    # Every GET page has its /api twin unless listed as API- or HTML-only.
    raw = set(app_routes(practice.app.routes))
    for method, path in MATRIX:
        if method == "GET":
            api = "/api" + ("/" if path == "/" else path)
            assert ((method, api) in raw) == ((method, path) not in HTML_ONLY), f"JSON twin of {path}"
            assert ((method, path) in raw) == ((method, path) not in API_ONLY), f"HTML page of {path}"


def test_public_files_are_served_to_anyone(shared: tuple[Practice, dict[str, Any]]) -> None:
    practice, users = shared
    for user in ("anonymous", "client_a"):
        for _method, path in sorted(PUBLIC_FILES):
            response = users[user].get(path, follow_redirects=False)
            assert response.status_code == 200, f"{user} GET {path}"
    icon = users["anonymous"].get("/favicon.ico")
    assert icon.headers["content-type"].startswith("image/svg+xml") and b"<svg" in icon.content
    # Every page links the icon, which the static files serve.
    page = users["anonymous"].get("/login").text
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert practice.client().get("/static/favicon.svg").content == icon.content


def test_a_supervisor_sees_no_client_names_unless_shared(shared: tuple[Practice, dict[str, Any]]) -> None:
    practice, users = shared
    supervisor = users["supervisor"]
    ids = practice.ids
    for url in (f"/api/supervisees/{ids['therapist_a']}", f"/api/clients/{ids['record_a']}",
                f"/api/sessions/{ids['session_a1']}/profile", f"/sessions/{ids['session_a1']}/compare",
                f"/api/sessions/{ids['session_a1']}", f"/sessions/{ids['session_a1']}/report",
                f"/clients/{ids['record_a']}/course", f"/clients/{ids['record_a']}/course/report"):
        body = supervisor.get(url).text
        assert "Secret Name" not in body and "Dr Okafor" not in body and "Priya" not in body, url
    assert "Client 1" in supervisor.get(f"/api/clients/{ids['record_a']}").text


def test_a_therapists_research_export_holds_only_their_own_clients(practice: Practice) -> None:
    import csv
    import io

    from equipoise.store.models import StoredProfile

    leans = {}
    with practice.app.state.equipoise.sessions.begin() as db:
        for key in ("session_a1", "session_a2", "session_b1"):
            leans[key] = str(db.get(StoredProfile, practice.pks[key]).power_lean)
    for therapist, mine in (("therapist_a", ["session_a1", "session_a2"]), ("therapist_b", ["session_b1"])):
        browser = sign_in(practice.client(), therapist)
        for key in mine:  # no session is held back for want of a reflection
            post(browser, f"/sessions/{practice.ids[key]}/unblind", headers={"accept": "application/json"})
        body = browser.get("/research/sessions.csv").text
        rows = list(csv.DictReader(io.StringIO(body)))
        assert [r["power_lean"] for r in rows] == [leans[k] for k in mine], therapist
        assert {r["client"] for r in rows} == {"client-1"}
        assert "Secret Name" not in body and browser.get("/api/research").json()["counts"]["clients"] == 1
