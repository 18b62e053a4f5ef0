"""Engine and session factory for SQLite and PostgreSQL, migrations, backups."""

from app.db.engine import Database, open_database
from app.db.errors import DatabaseError
from app.db.url import DbUrl, parse_db_url

__all__ = ["Database", "DatabaseError", "DbUrl", "open_database", "parse_db_url"]
