from tests.warehouse.conftest import engine, postgres_url  # noqa: F401
