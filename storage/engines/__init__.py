"""The database engines behind storage.db's Database and Session: SQLite (the default)."""
