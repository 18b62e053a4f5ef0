"""Unsaved runbook drafts kept on disk, so a crash or a power cut loses no more than a second.

One JSON file per runbook (by its UUID, which no other database shares) in the application's
data folder, written a moment after the last edit and removed when the draft is saved or
discarded. A file is written beside its final name and renamed into place, so a crash while
writing leaves the previous draft, never half of one. Opening a runbook with a leftover draft
offers to restore it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from app.runbooks.body import RunbookBody

SAVE_DELAY_MS = 800
"""After the last edit: long enough to bundle a burst of typing, short enough to lose little."""


@dataclass(frozen=True)
class SavedDraft:
    runbook: str
    revision: int
    """The version the draft was made from."""
    saved_at: datetime
    body: RunbookBody


def folder() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or tempfile.gettempdir()) / "runbook-drafts"


def path_for(runbook_uuid: str) -> Path:
    return folder() / f"{runbook_uuid}.json"


def write(runbook_uuid: str, revision: int, body: RunbookBody) -> Path:
    target = path_for(runbook_uuid)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "runbook": runbook_uuid,
        "revision": revision,
        "saved_at": datetime.now(UTC).isoformat(),
        "body": body.to_json(),
    }
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".draft-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def read(runbook_uuid: str) -> SavedDraft | None:
    """The leftover draft, or None (none, or a file that no longer reads as one)."""
    try:
        data = json.loads(path_for(runbook_uuid).read_text(encoding="utf-8"))
        return SavedDraft(
            runbook=str(data["runbook"]),
            revision=int(data["revision"]),
            saved_at=datetime.fromisoformat(str(data["saved_at"])),
            body=RunbookBody.from_json(data["body"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove(runbook_uuid: str) -> None:
    path_for(runbook_uuid).unlink(missing_ok=True)


class DraftKeeper(QObject):
    """Writes the draft a moment after each edit; `flush()` writes at once (closing)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SAVE_DELAY_MS)
        self.timer.timeout.connect(self._write)
        self._pending: tuple[str, int, RunbookBody] | None = None
        self.error = ""
        """Why the last write failed ("" when it worked): the view shows it."""

    def keep(self, runbook_uuid: str, revision: int, body: RunbookBody) -> None:
        self._pending = (runbook_uuid, revision, body)
        self.timer.start()

    def drop(self, runbook_uuid: str) -> None:
        if self._pending is not None and self._pending[0] == runbook_uuid:
            self._pending = None
            self.timer.stop()
        try:
            remove(runbook_uuid)
        except OSError as exc:
            self.error = f"Could not remove the saved draft: {exc}"

    def flush(self) -> None:
        self.timer.stop()
        self._write()

    def _write(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            write(*pending)
        except OSError as exc:
            self.error = f"Could not keep a copy of the draft on disk: {exc}"
        else:
            self.error = ""
