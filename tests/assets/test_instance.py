"""The Dagster instance that `parindex run` and `dagster dev` share: its settings file serialises the
warehouse writers (DESIGN.md: one writer per DuckDB file)."""

from assets.runner import dagster_instance
from tests.e2e.pipeline import environment


def test_a_new_dagster_home_limits_the_warehouse_pool_to_one_step_at_a_time(tmp_path):
    home = tmp_path / "dagster_home"
    with environment(DAGSTER_HOME=str(home)):
        instance = dagster_instance()
        try:
            pools = instance.get_concurrency_config().pool_config
            assert pools.default_pool_limit == 1
            assert pools.pool_granularity.value == "op"
            assert instance.telemetry_enabled is False
        finally:
            instance.dispose()
    assert "default_limit: 1" in (home / "dagster.yaml").read_text(encoding="utf-8")


def test_an_existing_settings_file_is_left_as_the_data_team_wrote_it(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    with environment(DAGSTER_HOME=str(home)):
        dagster_instance().dispose()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == "telemetry:\n  enabled: false\n"
