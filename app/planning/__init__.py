"""Pure planning algorithms over plain values; they never touch the database."""
