"""SQLite storage: the database handle, migrations and repositories. All SQL lives here."""
