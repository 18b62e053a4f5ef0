"""What the Runbooks screen remembers between runs: the runbook open, the list filter, the tab
shown and where files were last exported.

Kept in the application's settings file under the "runbooks" group (the INI file `ui.settings`
uses), so tests that point RELEASEDESK_SETTINGS_DIR elsewhere never see the user's choices. A
remembered runbook that the open database does not have is simply not selected.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings

from ui.settings import APPLICATION, ORGANIZATION, settings_path

GROUP = "runbooks"
KINDS = ("", "component", "workload")


def _settings() -> QSettings:
    path = settings_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


@dataclass
class RunbooksState:
    runbook: str = ""
    kind: str = ""
    """"" (all), "component" or "workload"."""
    tab: int = 0
    """Editor, Sign-off or History."""
    lower_tab: int = 0
    """Step details, Summary or Rollback triggers."""
    export_folder: str = ""


def load_state() -> RunbooksState:
    qs = _settings()
    qs.beginGroup(GROUP)
    try:
        state = RunbooksState()
        for f in fields(RunbooksState):
            value = qs.value(f.name, getattr(state, f.name))
            if f.type == "int":
                try:
                    value = int(str(value))
                except ValueError:
                    value = 0
            setattr(state, f.name, value if isinstance(value, int) else str(value or ""))
        if state.kind not in KINDS:
            state.kind = ""
        return state
    finally:
        qs.endGroup()


def save_state(state: RunbooksState) -> None:
    qs = _settings()
    qs.beginGroup(GROUP)
    for f in fields(RunbooksState):
        qs.setValue(f.name, getattr(state, f.name))
    qs.endGroup()
    qs.sync()
