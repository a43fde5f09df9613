"""Alembic revisions of the warehouse, oldest first by `down_revision`."""
