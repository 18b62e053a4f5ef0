"""Settings and secrets: what is remembered between runs, where, and what never is."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import fail

from app.db import parse_db_url
from app.db.url import default_location
from tests.ui.keyrings import MemoryKeyring, using_keyring
from ui import database_session as sessions
from ui.settings import MAX_RECENT, AppSettings, SettingsStore, settings_path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using_keyring(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


@pytest.fixture
def no_keyring() -> Iterator[None]:
    with using_keyring(fail.Keyring()):
        yield


def test_settings_live_in_the_test_folder_never_the_users() -> None:
    path = settings_path()
    assert path is not None
    assert path.parent == Path(os.environ["RELEASEDESK_SETTINGS_DIR"])
    assert SettingsStore().file_name == str(path)


def test_settings_round_trip_with_their_types(qapp: object) -> None:
    store = SettingsStore()
    assert store.load() == AppSettings()
    saved = AppSettings(
        last_database="/data/plan.db",
        recent=["/data/plan.db", "postgresql://cora@db.example:5432/releases"],
        current_view="teams",
        window_geometry=b"\x01\x02\x00\xff",
        window_state=b"\x00state",
        presentation_font_scale=1.75,
    )
    store.save(saved)
    assert SettingsStore().load() == saved


def test_a_hand_edited_nonsense_value_falls_back_to_the_default(qapp: object) -> None:
    path = settings_path()
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[presentation]\nfont_scale=huge\n[window]\nview=teams\n")
    loaded = SettingsStore().load()
    assert loaded.presentation_font_scale == AppSettings().presentation_font_scale
    assert loaded.current_view == "teams"


def test_recent_list_is_most_recent_first_without_duplicates_and_capped() -> None:
    settings = AppSettings()
    for i in range(MAX_RECENT + 3):
        settings.remember_database(f"/data/{i}.db")
    settings.remember_database("/data/3.db")
    assert settings.recent[0] == "/data/3.db" == settings.last_database
    assert len(settings.recent) == MAX_RECENT
    assert len(set(settings.recent)) == MAX_RECENT
    settings.forget_database("/data/3.db")
    assert "/data/3.db" not in settings.recent
    assert settings.last_database == ""


def test_startup_database_is_cli_then_env_then_last_then_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = AppSettings(last_database=str(tmp_path / "last.db"))
    monkeypatch.setenv("RELEASEDESK_DB", str(tmp_path / "env.db"))
    assert sessions.startup_location(str(tmp_path / "cli.db"), settings) == (
        str(tmp_path / "cli.db"),
        False,
    )
    assert sessions.startup_location(None, settings) == (str(tmp_path / "env.db"), False)
    monkeypatch.delenv("RELEASEDESK_DB")
    assert sessions.startup_location(None, settings) == (str(tmp_path / "last.db"), False)
    target, is_default = sessions.startup_location(None, AppSettings())
    assert is_default
    assert target == default_location()
    assert Path(target).name == "releasedesk.db"
    assert Path(os.environ["XDG_DATA_HOME"]) in Path(target).parents


def test_public_url_never_carries_a_password() -> None:
    location = parse_db_url("postgresql://cora:s3cret@db.example:5433/releases")
    assert sessions.public_url(location) == "postgresql://cora@db.example:5433/releases"
    assert "s3cret" not in location.display()
    sqlite = parse_db_url("sqlite:////data/plan.db")
    assert sessions.public_url(sqlite) == "/data/plan.db"


def test_password_is_kept_in_the_keyring_under_user_at_server(
    memory_keyring: MemoryKeyring,
) -> None:
    location = parse_db_url("postgresql://cora@db.example/releases")
    assert sessions.remember_password(location, "s3cret") is None
    assert memory_keyring.passwords == {("ReleaseDesk", "cora@db.example:5432/releases"): "s3cret"}
    reopened = sessions.with_password(parse_db_url("postgresql://cora@db.example/releases"), None)
    assert reopened.url.password == "s3cret"
    given = sessions.with_password(location, "typed")
    assert given.url.password == "typed"
    assert sessions.keyring_problem() is None


def test_without_a_keyring_passwords_are_simply_not_remembered(no_keyring: None) -> None:
    location = parse_db_url("postgresql://cora@db.example/releases")
    assert sessions.keyring_problem() == sessions.NO_KEYRING
    problem = sessions.remember_password(location, "s3cret")
    assert problem is not None and problem.startswith("The password was not remembered")
    assert sessions.stored_password(location) is None
    assert sessions.with_password(location, None).url.password is None
