"""Rollback runbooks as plain data: steps, triggers, validation, diffs, evaluation and export.

Nothing here touches the database; `app.services.runbooks` stores a body as one immutable
revision per save.
"""
