"""Fixtures of the tests past one machine: a broker that answers, and a Celery deployment on a throw-away
PostgreSQL database. Without PARINDEX_TEST_POSTGRES_URL, dagster-celery or a broker, the tests skip, saying
which is missing."""

import os
from collections.abc import Iterator

import pytest

from tests.distributed.cluster import (
    Broker,
    CeleryDeployment,
    answering_broker,
    celery_deployment,
    psycopg2_url,
)
from tests.e2e.pipeline import postgres_database


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    url = os.environ.get("PARINDEX_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PARINDEX_TEST_POSTGRES_URL is not set: the instance and the warehouses are PostgreSQL")
    return url


@pytest.fixture(scope="session")
def broker() -> Broker:
    pytest.importorskip("dagster_celery", reason="the extra `distributed` is not installed")
    found, reason = answering_broker()
    if found is None:
        pytest.skip(reason)
    return found


@pytest.fixture
def deployment(tmp_path, broker, postgres_admin_url) -> Iterator[CeleryDeployment]:
    """A Dagster instance whose storage is a database of its own, dropped afterwards; no workers yet
    (`deployment.start_workers(count, settings)`)."""
    with postgres_database(postgres_admin_url) as storage:
        with celery_deployment(tmp_path / "dagster_home", broker, psycopg2_url(storage)) as deployment:
            yield deployment
