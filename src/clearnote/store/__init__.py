"""Persistence adapters: the SQLAlchemy 2 schema and engine (SQLite default, PostgreSQL),
Alembic migrations run programmatically, and the encrypted blob store.

Only ciphertext of client words and names reaches these tables and files; the record services
(``clearnote.records``) encrypt before writing and decrypt after reading.
"""
