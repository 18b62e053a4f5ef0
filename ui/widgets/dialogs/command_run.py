"""Running an undoable command from a dialog, with the refusal shown where it belongs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.db import DatabaseError
from app.services.errors import FieldError, PermissionDenied, ServiceError, ValidationError


def execute_or_show(
    command: Any,
    show_errors: Callable[[Sequence[FieldError]], None],
    show_banner: Callable[[str], None],
) -> bool:
    """True when the command ran. A field error goes to its field, anything else the service
    or the database refused to the dialog's banner; the dialog stays open either way."""
    try:
        command.execute()
    except ValidationError as exc:
        show_errors(exc.errors)
        return False
    except (PermissionDenied, ServiceError, DatabaseError) as exc:
        show_banner(str(exc))
        return False
    return True


def save_or_close(dialog: QDialog, read_only: bool) -> QDialogButtonBox:
    """Save and Cancel for someone who may change things; only Close for a viewer, so the
    dialog never offers what the service would refuse."""
    if read_only:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    else:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, dialog
        )
        buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
