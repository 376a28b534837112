"""The database engines behind storage.db's Database and Session: SQLite (the default) and
PostgreSQL (still refused by every command, issue 19 stage 3); base.py holds what both serve."""
