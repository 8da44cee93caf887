"""Settings are one declared, documented table; `equipoise serve --demo` seeds a whole practice."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from equipoise.cli import main
from equipoise.errors import UsageError
from equipoise.web import SETTINGS, Settings

from .conftest import EXAMPLES, REPO, make_app

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web.md"


def test_every_setting_is_documented_with_its_variable_and_default() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text, f"setting {setting.name} is not in docs/web.md"
        assert f"`{setting.env_var}`" in text, f"{setting.env_var} is not in docs/web.md"


def test_every_serve_option_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    serve = main.commands["serve"]
    for param in serve.params:
        for option in param.opts:
            assert f"`{option}" in text, f"equipoise serve {option} is not in docs/web.md"


def test_settings_come_from_the_environment_and_are_validated() -> None:
    settings = Settings.from_env({"EQUIPOISE_DATABASE_URL": "postgresql+psycopg://u@h/db",
                                  "EQUIPOISE_LOGIN_MAX_FAILURES": "7"}, database_url=None)
    assert settings.database_url == "postgresql+psycopg://u@h/db" and settings.login_max_failures == 7
    assert Settings.from_env({}, database_url="sqlite:///x.db").database_url == "sqlite:///x.db"
    with pytest.raises(UsageError, match="EQUIPOISE_MAX_UPLOAD_BYTES must be a whole number"):
        Settings.from_env({"EQUIPOISE_MAX_UPLOAD_BYTES": "lots"})
    with pytest.raises(UsageError, match="secure_cookies must be auto, always or never"):
        Settings(secure_cookies="sometimes")
    with pytest.raises(UsageError, match="positive"):
        Settings(max_upload_bytes=0)


def test_serve_has_help_with_its_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--database-url", "--demo"):
        assert option in result.output


def test_the_demo_practice_has_everyone_and_everything(sqlite_url: str) -> None:
    from fastapi.testclient import TestClient

    from equipoise.web.demo import seed

    app = make_app(sqlite_url)
    try:
        logins = seed(app)
        assert [login.role for login in logins] == ["therapist", "client", "client", "supervisor", "admin"]
        browser = TestClient(app, base_url="http://127.0.0.1")
        therapist = next(login for login in logins if login.role == "therapist")
        csrf = browser.get("/api/login").json()["csrf_token"]
        browser.post("/login", data={"email": therapist.email, "password": therapist.password,
                                     "csrf_token": csrf})
        clients = browser.get("/api/clients").json()
        assert [c["n_sessions"] for c in clients["clients"]] == [4, 2]
        # Six check-ins, of which two the therapist has not reflected on: those stay out (blinding).
        assert sum(r["count"] for r in clients["who_held"]["clients"]) == 4
        assert sum(r["count"] for r in clients["who_held"]["predicted"]) == 4
        # Priya and Dr Okafor described themselves and let each other read it: the differences prompt.
        priya = browser.get(clients["clients"][0]["href"].replace("/clients", "/api/clients", 1)).json()
        prompt = browser.get(f"/api/sessions/{priya['sessions'][0]['id']}").json()["context_prompt"]
        assert prompt["dimensions"] == ["age", "class background", "language"]
        with pytest.raises(UsageError, match="empty database"):
            seed(app)
    finally:
        app.state.engine.dispose()


def test_serve_can_create_the_first_administrator(sqlite_url: str) -> None:
    from equipoise.web.serve import add_admin

    app = make_app(sqlite_url)
    try:
        with pytest.raises(UsageError, match="at least 10"):
            add_admin(app, "boss@test.example", "short")
        assert add_admin(app, "boss@test.example", "a long enough password") is True
        assert add_admin(app, "boss@test.example", "a long enough password") is False
    finally:
        app.state.engine.dispose()


def test_every_html_page_has_a_json_twin_described_by_openapi(sqlite_url: str) -> None:
    from fastapi.routing import APIRoute
    from fastapi.testclient import TestClient

    from equipoise.web.routes import routers

    # Pages that are whole documents of their own (the reports); their JSON is the Profile at
    # /api/sessions/N/profile and the course at /api/clients/N/course. The research export's CSV is a
    # file, not a page; its page /research has the twin /api/research.
    documents = {"/sessions/{session_id}/report", "/clients/{client_id}/course/report",
                 "/research/sessions.csv"}
    routes = [r for router in routers() for r in router.routes if isinstance(r, APIRoute)]
    html_pages = {r.path for r in routes if "GET" in r.methods and not r.path.startswith("/api")}
    app = make_app(sqlite_url)
    try:
        described = set(TestClient(app).get("/api/openapi.json").json()["paths"])
    finally:
        app.state.engine.dispose()
    for page in html_pages - documents:
        twin = "/api" + page if page != "/" else "/api/"
        assert twin in described, f"{page} has no JSON twin in the OpenAPI description"
    assert "/api/sessions/{session_id}/profile" in described


def test_the_demo_sessions_ship_in_the_package_and_match_the_examples(
        sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    import equipoise
    from equipoise.web import demo

    package = Path(equipoise.__file__).parent
    folder = demo.examples_dir()
    assert folder.is_relative_to(package)  # not the source tree's examples/
    shipped = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.txt"))
    assert shipped == ["collaborative.txt", "course/session1.txt", "course/session2.txt",
                       "course/session3.txt", "course/session4.txt", "directive.txt"]
    for name in shipped:
        assert (folder / name).read_bytes() == (EXAMPLES / name).read_bytes(), name
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert {"web/demo_sessions/*", "web/demo_sessions/course/*"} <= set(patterns["equipoise"])
    # Seeding works from any folder, with no examples/ in sight.
    monkeypatch.chdir(tmp_path)
    app = make_app(sqlite_url)
    try:
        assert len(demo.seed(app)) == 5
    finally:
        app.state.engine.dispose()
