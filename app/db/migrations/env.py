"""Alembic environment: always runs on the connection the application hands it."""

from alembic import context

from app.domain import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run through app.db.migrate, which supplies a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
