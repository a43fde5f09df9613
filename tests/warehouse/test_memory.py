from types import SimpleNamespace

import duckdb
import pytest
import sqlalchemy as sa

from warehouse.engine import make_engine
from warehouse.memory import (
    MEMORY_LIMIT_VARIABLE,
    default_duckdb_memory_limit,
    describe_out_of_memory,
    duckdb_memory_limit,
)

GIB = 2**30
# The message of the failed demo in issue 10.
DEMO_ERROR = (
    "Out of Memory Error: could not allocate block of size 32.0 KiB (244.1 MiB/244.1 MiB used)\n\n"
    "Possible solutions:\n* Reducing the number of threads (SET threads=X)"
)


@pytest.mark.parametrize(
    ("machine", "limit"),
    [
        # Worked by hand: room = 0.9 × min(1536 MiB, machine / 2) - 992 MiB, over 1.385.
        (24 * GIB, "281MiB"),  # the budget binds: (1382.4 - 992) / 1.385 = 281.9
        (3 * GIB, "281MiB"),  # half the machine is the budget itself
        (2.8 * GIB, "215MiB"),  # half the machine binds: (0.9 × 1433.6 - 992) / 1.385 = 215.3
        (2 * GIB, "128MiB"),  # (921.6 - 992) / 1.385 < 0: the floor
    ],
)
def test_the_default_limit_fits_the_run_budget_and_the_machine(machine, limit):
    assert default_duckdb_memory_limit(int(machine)) == limit


def test_the_setting_overrides_the_default_and_the_engine_applies_it(tmp_path):
    assert duckdb_memory_limit("300MB") == "300MB"
    database = tmp_path / "warehouse.duckdb"
    engine = make_engine(f"duckdb:///{database}", duckdb_memory_limit("300MB"))
    with engine.connect() as conn:
        limit, temp = conn.exec_driver_sql(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).one()
    engine.dispose()
    assert limit == "286.1 MiB"  # 300 × 10⁶ bytes
    assert temp == f"{database}.tmp"  # spills beside the warehouse file


def test_an_out_of_memory_error_says_which_variable_to_set_and_to_what():
    wrapped = sa.exc.OperationalError("INSERT …", {}, duckdb.OutOfMemoryException(DEMO_ERROR))
    # 2 × 244.1 MiB = 511,914,803 bytes: 512 MB rounded up.
    message = describe_out_of_memory(wrapped, "1GiB")  # the message names the limit: it wins
    assert message.startswith("DuckDB ran out of memory at its limit of 244 MiB")
    assert f"{MEMORY_LIMIT_VARIABLE}=512MB" in message
    assert "\n" not in message


def test_an_out_of_memory_cause_is_found_in_a_serialised_step_error():
    # Dagster's SerializableErrorInfo: the user's error is the cause of its retry wrapper.
    cause = SimpleNamespace(message=f"_duckdb.OutOfMemoryException: {DEMO_ERROR}", cause=None, context=None)
    step_error = SimpleNamespace(message="Exceeded max_retries of 2", cause=cause, context=None)
    assert f"{MEMORY_LIMIT_VARIABLE}=512MB" in describe_out_of_memory(step_error, "1GiB")


def test_without_a_limit_in_the_message_the_current_limit_is_doubled():
    error = duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 2.0 GiB")
    assert f"{MEMORY_LIMIT_VARIABLE}=2148MB" in describe_out_of_memory(
        error, "1GiB"
    )  # 2 × 1,073,741,824 bytes


def test_other_errors_are_not_described():
    assert describe_out_of_memory(ValueError("could not allocate"), "1GiB") is None


@pytest.mark.parametrize("value", ["80%", "1000000", "lots"])
def test_a_limit_that_is_not_a_size_is_refused_with_the_variable_name(value):
    with pytest.raises(ValueError, match=f"{MEMORY_LIMIT_VARIABLE}: not a memory size: '{value}'"):
        duckdb_memory_limit(value)
