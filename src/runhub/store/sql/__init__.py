"""The stores on a SQL database (SQLite, PostgreSQL, MySQL/MariaDB): one module per area."""
