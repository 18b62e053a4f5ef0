"""The Runbooks screen: rollback runbooks, their sign-off and history, and rollback decisions."""

from ui.views.runbooks.view import RunbooksView

__all__ = ["RunbooksView"]
