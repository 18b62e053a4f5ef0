"""Risk-tier rules and approval paths: pure functions over plain values, no database."""
