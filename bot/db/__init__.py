"""SQLite access: the connection, transactions, migrations, and one repository per table group."""
