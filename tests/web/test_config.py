"""The factory, configuration and the security settings every response carries."""

from __future__ import annotations

import pytest

from planner import create_app
from planner.config import ConfigError


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("PLANNER_ENV", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    for weak in ("dev", "changeme", "short"):
        monkeypatch.setenv("SECRET_KEY", weak)
        with pytest.raises(ConfigError):
            create_app()


def test_production_with_a_secret_key_has_secure_cookies(monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("PLANNER_ENV", raising=False)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 30 * 1024 * 1024


def test_database_url_and_port_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("PORT", "8123")
    app = create_app()
    assert app.config["DATABASE_URL"] == "sqlite:////tmp/elsewhere.db"
    assert app.config["PORT"] == 8123


def test_passwords_are_hashed_with_scrypt_at_n_2_17_or_stronger(monkeypatch) -> None:
    from planner.config import PASSWORD_HASH_METHOD

    name, n, _r, _p = PASSWORD_HASH_METHOD.split(":")
    assert name == "scrypt" and int(n) >= 2**17


def test_security_headers_and_csp_without_unsafe_eval(client) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in csp
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_load_nothing_from_the_internet(client, signed_in) -> None:
    signed_in("admin")
    for path in ("/login", "/strategies"):
        html = client.get(path).get_data(as_text=True)
        for attribute in ("src=", "href="):
            for value in html.split(attribute)[1:]:
                assert not value.strip("\"'").startswith(("http://", "https://", "//")), value[:80]
    response = client.get("/static/vendor/nhsuk/nhsuk-frontend.min.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "https://" not in css and "http://" not in css


def test_healthz_answers_without_signing_in(client) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
