"""An open window notices another client's write and refreshes its views."""

from __future__ import annotations

from app.db import open_database
from app.services import crud
from app.services.org import TEAM
from ui.context import AppContext


def test_a_write_by_another_client_is_announced(seeded, qtbot) -> None:
    ctx = AppContext(seeded.db)
    try:
        ctx.check_for_changes()  # the baseline
        other = open_database(seeded.db.location)
        try:
            with other.transaction() as s:
                crud.create(s, seeded.admin, TEAM, {"name": "Data", "timezone": "UTC"})
        finally:
            other.dispose()
        with qtbot.waitSignal(ctx.data_changed, timeout=5000) as signal:
            ctx._watch_timer.setInterval(20)
        assert signal.args[0] in ("*", "team")
    finally:
        ctx.close()
