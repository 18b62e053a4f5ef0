"""Errors a user can act on: each carries one message meant to be shown as it is."""


class DatabaseError(Exception):
    """The database cannot be used as asked; nothing was changed."""


class SchemaTooNew(DatabaseError):
    pass


class SchemaOutdated(DatabaseError):
    pass
