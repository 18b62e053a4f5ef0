"""`releasedesk`: headless subcommands without Qt, the window, screenshots, the first start."""

from __future__ import annotations

import configparser
import gc
import os
import subprocess
import sys
import threading
import time
import tomllib
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QPushButton, QWidget
from sqlalchemy import func, select

import ui.views
from app.db import Database, open_database
from app.db.url import default_location
from app.domain import Team
from app.services import crud
from app.services.actor import Actor
from app.services.org import TEAM, bootstrap_admin
from tests.factories import Org
from ui import launcher
from ui.main_window import MainWindow
from ui.settings import settings_path
from ui.view_registry import VIEW_NAMES, discover_views, view_class
from ui.workers import Worker, wait_until_idle

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]


def test_help_and_headless_subcommands_never_import_qt(tmp_path: Path) -> None:
    db = tmp_path / "plan.db"
    open_database(str(db), create=True).dispose()
    script = (
        "import sys\n"
        "from ui.launcher import main\n"
        "codes = [main(['--help']), main(['db', 'status', '--db', sys.argv[1]])]\n"
        "print('RESULT', *codes, any(m.split('.')[0] == 'PySide6' for m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert "usage: releasedesk" in done.stdout
    assert done.stdout.splitlines()[-1] == "RESULT 0 0 False"


def test_screenshot_renders_the_view_to_a_png(
    seeded: Org, qapp: QApplication, tmp_path: Path
) -> None:
    png = tmp_path / "teams.png"
    args = ["gui", "--db", _url(seeded.db), "--view", "teams", "--screenshot", str(png)]
    code = launcher.main(args)
    assert code == 0
    image = QImage(str(png))
    assert (image.width(), image.height()) == launcher.SCREENSHOT_SIZE
    settings = settings_path()
    assert settings is None or not settings.exists(), "a screenshot must not touch settings"


def test_screenshot_in_presentation_mode_is_high_contrast(
    db: Database, qapp: QApplication, tmp_path: Path
) -> None:
    png = tmp_path / "presenting.png"
    args = ["gui", "--db", _url(db), "--presentation", "--screenshot", str(png)]
    assert launcher.main(args) == 0
    image = QImage(str(png))
    assert image.width() == launcher.SCREENSHOT_SIZE[0]
    assert image.pixelColor(image.width() - 3, image.height() - 3).name() == "#000000"


def test_screenshot_of_a_missing_database_exits_2_with_one_line(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "x.png"
    missing = tmp_path / "absent.db"
    assert launcher.main(["gui", "--db", str(missing), "--screenshot", str(png)]) == 2
    err = capsys.readouterr().err
    assert err == f"releasedesk: error: {missing}: no such database file\n"
    assert not png.exists() and not missing.exists()


def test_a_view_not_in_this_version_exits_2(
    db: Database,
    qapp: QApplication,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ui.main_window.discover_views", lambda: [])
    png = tmp_path / "x.png"
    args = ["gui", "--db", _url(db), "--view", "calendar", "--screenshot", str(png)]
    assert launcher.main(args) == 2
    assert "the calendar view is not available" in capsys.readouterr().err
    assert not png.exists()


def test_an_unknown_view_name_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert launcher.main(["gui", "--view", "kanban", "--screenshot", "x.png"]) == 2
    assert "invalid choice: 'kanban'" in capsys.readouterr().err


def fake_demo(monkeypatch: pytest.MonkeyPatch, generate: Callable[..., dict[str, int]]) -> None:
    module = types.ModuleType("app.demo")
    module.generate = generate  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.demo", module)


def add_team(db: Database, name: str) -> None:
    with db.transaction() as session:
        crud.create(
            session, bootstrap_admin(Actor("demo")), TEAM, {"name": name, "timezone": "UTC"}
        )


def test_first_start_creates_the_default_database_with_demo_data(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stages: list[tuple[str, float]] = []

    def generate(db: Database, *, scale: str, seed: int, progress: Any) -> dict[str, int]:
        assert (scale, seed) == ("small", 7)
        progress("Teams", 0.5)
        with db.transaction() as session:
            crud.create(
                session, bootstrap_admin(Actor("demo")), TEAM, {"name": "Demo", "timezone": "UTC"}
            )
        stages.append(("Teams", 0.5))
        return {"teams": 1}

    fake_demo(monkeypatch, generate)
    default = Path(default_location())
    assert not default.exists()
    assert launcher.main(["gui", "--screenshot", str(tmp_path / "first.png")]) == 0
    assert stages == [("Teams", 0.5)]
    db = open_database(str(default))
    try:
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(Team)) == 1
    finally:
        db.dispose()
    assert launcher.main(["gui", "--screenshot", str(tmp_path / "second.png")]) == 0
    assert len(stages) == 1, "an existing default database is opened, not regenerated"


def test_a_failed_first_start_leaves_no_half_filled_database(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def generate(db: Database, **_kw: Any) -> dict[str, int]:
        with db.transaction() as session:
            crud.create(
                session, bootstrap_admin(Actor("demo")), TEAM, {"name": "Half", "timezone": "UTC"}
            )
        raise RuntimeError("generator broke")

    fake_demo(monkeypatch, generate)
    assert launcher.main(["gui", "--screenshot", str(tmp_path / "x.png")]) == 2
    assert "the demo data could not be created (generator broke)" in capsys.readouterr().err
    assert not Path(default_location()).exists()


def test_cancelling_the_first_start_removes_the_new_file(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def generate(db: Database, *, progress: Any, **_kw: Any) -> dict[str, int]:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # until the user's cancel stops the report
            progress("Workloads", 0.3)
            time.sleep(0.01)
        raise AssertionError("cancel never arrived")

    def press_cancel() -> None:
        dialogs = [
            w for w in qapp.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()
        ]
        if dialogs:
            button = dialogs[0].findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            button.click()
        else:
            QTimer.singleShot(20, press_cancel)

    fake_demo(monkeypatch, generate)
    QTimer.singleShot(20, press_cancel)
    assert launcher.main(["gui", "--screenshot", str(tmp_path / "x.png")]) == 2
    assert capsys.readouterr().err == "releasedesk: error: cancelled\n"
    assert not Path(default_location()).exists()


def test_the_window_opens_on_the_view_in_presentation_mode(
    db: Database, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def exec_(_app: QApplication) -> int:
        window = opened_window(qapp)
        seen.update(view=window.current_view_name, presenting=window.presenting)
        seen.update(database=window.db_label.text())
        window.close()
        window.session.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    args = ["gui", "--db", _url(db), "--view", "components", "--presentation"]
    assert launcher.main(args) == 0
    assert seen["presenting"] is True
    assert db.location.display() in seen["database"]
    if "components" in {s.name for s in launcher_views()}:
        assert seen["view"] == "components"


def test_the_window_says_why_a_start_database_is_refused_and_stays_usable(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"\x00" * 64)

    def exec_(_app: QApplication) -> int:
        window = opened_window(qapp)
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        seen.update(texts=[b.text() for b in boxes], empty=window.stack.currentWidget())
        seen.update(expected=window.empty, can_open=window.open_action.isEnabled())
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    assert launcher.main(["gui", "--db", str(broken)]) == 0
    assert seen["texts"] == [f"{broken}: is not a SQLite database (or is damaged)"]
    assert seen["empty"] is seen["expected"] and seen["can_open"]


def opened_window(app: QApplication) -> MainWindow:
    """The window `main` just showed (earlier tests may leave closed ones behind)."""
    [window] = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    return window


def launcher_views() -> list[Any]:
    from ui.view_registry import discover_views

    return discover_views()


def _url(db: Database) -> str:
    from ui.database_session import public_url

    return public_url(db.location)


def test_a_long_session_cannot_exhaust_none_or_true(qapp: QApplication) -> None:
    """PySide6 6.12.0 dropped a reference to None/True per void call or emit, which aborts
    CPython 3.11 within minutes; pyproject excludes it, and this catches any build like it."""
    from PySide6.QtWidgets import QLabel

    launcher.application()
    label = QLabel()
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        label.update()
        label.windowTitleChanged.emit("x")
    lost = before[0] - sys.getrefcount(None), before[1] - sys.getrefcount(True)
    assert lost == (0, 0)


def test_desktop_entry_and_metainfo_point_at_the_entry_point() -> None:
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.read(ROOT / "packaging" / "releasedesk.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert (entry["Type"], entry["Exec"], entry["Icon"]) == (
        "Application",
        "releasedesk",
        "releasedesk",
    )
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["releasedesk"] == "ui.launcher:main"
    meta = ElementTree.parse(ROOT / "packaging" / "io.releasedesk.ReleaseDesk.metainfo.xml")
    assert meta.findtext("id") == "io.releasedesk.ReleaseDesk"
    assert meta.findtext("launchable") == "releasedesk.desktop"
    assert meta.findtext("provides/binary") == "releasedesk"
    assert (ROOT / "resources" / "icons" / "releasedesk.svg").is_file()


def test_first_paint_is_marked_once_and_only_when_asked(
    seeded: Org, qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    args = ["gui", "--db", _url(seeded.db), "--view", "teams", "--screenshot"]
    assert launcher.main([*args, str(tmp_path / "plain.png")]) == 0
    assert "first-paint" not in capsys.readouterr().out
    monkeypatch.setenv(launcher.FIRST_PAINT_ENV, "1")
    assert launcher.main([*args, str(tmp_path / "marked.png")]) == 0
    assert capsys.readouterr().out.splitlines().count("first-paint") == 1


def test_the_requested_view_is_the_only_one_built(
    seeded: Org, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    show_view = MainWindow.show_view
    monkeypatch.setattr(MainWindow, "show_view", lambda w, n: shown.append(n) or show_view(w, n))
    args = ["gui", "--db", _url(seeded.db), "--view", "teams"]
    assert launcher.main([*args, "--screenshot", str(tmp_path / "teams.png")]) == 0
    assert set(shown) == {"teams"}


def test_views_are_found_without_being_imported_and_keep_their_titles() -> None:
    script = (
        "import sys; from ui.view_registry import discover_views as found; "
        "print([s.name for s in found()], [m for m in sys.modules if 'ui.views.' in m])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    present = [n for n in VIEW_NAMES if any((ROOT / "ui" / "views").glob(f"{n}*"))]
    assert done.stdout.strip() == f"{present} []"
    for spec in discover_views():
        assert view_class(spec.name).title == spec.title  # type: ignore[attr-defined]


def test_an_existing_view_that_cannot_import_fails_loudly_when_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "brokenarea.py").write_text("import releasedesk_no_such_module\n")
    (tmp_path / "emptyarea.py").write_text('"""No view class here."""\n')
    monkeypatch.setattr(ui.views, "__path__", [*ui.views.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "ui.views.emptyarea", raising=False)
    specs = discover_views(["brokenarea", "emptyarea", "notbuiltyet"])
    assert [s.title for s in specs] == ["Brokenarea", "Emptyarea"]
    with pytest.raises(ModuleNotFoundError) as missing:
        specs[0].factory(None, None)  # type: ignore[arg-type]
    assert missing.value.name == "releasedesk_no_such_module"
    with pytest.raises(ImportError, match="does not define EmptyareaView"):
        specs[1].factory(None, None)  # type: ignore[arg-type]


def test_wait_until_idle_waits_for_workers_and_timers_up_to_its_timeout() -> None:
    landed: list[object] = []
    holder = QWidget()  # a top-level widget owning a deferred load, as a view would
    deferred = QTimer(holder, singleShot=True)
    deferred.timeout.connect(lambda: landed.append("timer"))
    deferred.start(100)
    Worker(lambda _report: time.sleep(0.2) or 42).start().signals.succeeded.connect(landed.append)
    start = time.perf_counter()
    assert wait_until_idle(10)
    assert sorted(map(str, landed)) == ["42", "timer"]
    assert time.perf_counter() - start >= 0.2
    start = time.perf_counter()
    assert wait_until_idle(10)
    assert time.perf_counter() - start < 0.1, "nothing pending: no settle time"
    holder.deleteLater()
    release = threading.Event()
    Worker(lambda _report: release.wait(10)).start()
    start = time.perf_counter()
    assert not wait_until_idle(0.2)
    assert time.perf_counter() - start < 2, "the timeout wakes a blocked wait"
    release.set()
    assert wait_until_idle(10)


def test_the_collector_is_on_again_after_every_start(db: Database, tmp_path: Path) -> None:
    png = str(tmp_path / "x.png")
    assert launcher.main(["gui", "--db", _url(db), "--screenshot", png]) == 0
    assert gc.isenabled()
    assert launcher.main(["gui", "--view", "kanban", "--screenshot", png]) == 2
    assert gc.isenabled()
    gc.disable()
    try:
        assert launcher.main(["gui", "--db", _url(db), "--screenshot", png]) == 0
        assert not gc.isenabled(), "a caller's own choice is left alone"
    finally:
        gc.enable()
