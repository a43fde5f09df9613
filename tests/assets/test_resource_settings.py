"""Resources take their settings from the environment; a malformed number names its variable."""

import grp
import os

import pytest

from assets.resources import MissingConfiguration, build_resources
from tests.e2e.pipeline import environment


def test_hr_reader_processes_come_from_the_environment():
    with environment(PARINDEX_HR_READER_PROCESSES="2"):
        assert build_resources()["hr"].reader_processes == 2
    with environment(PARINDEX_HR_READER_PROCESSES=""):
        assert build_resources()["hr"].reader_processes == 1


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_a_bad_number_of_reader_processes_names_the_variable(value):
    with (
        environment(PARINDEX_HR_READER_PROCESSES=value),
        pytest.raises(MissingConfiguration, match="PARINDEX_HR_READER_PROCESSES must be a whole number"),
    ):
        build_resources()


def test_http_limits_come_from_the_environment_for_every_http_source():
    with environment(PARINDEX_HTTP_DEADLINE_S="45.5", PARINDEX_HTTP_MAX_BODY_MB="0.5"):
        resources = build_resources()
    for name in ("dvc", "qlvb", "ecabinet"):
        policy = resources[name].retry_policy()
        assert (policy.deadline, policy.max_body_bytes) == (45.5, 2**19)  # 0.5 MiB


def test_http_limits_default_to_those_of_the_http_layer():
    with environment(PARINDEX_HTTP_DEADLINE_S="", PARINDEX_HTTP_MAX_BODY_MB=""):
        policy = build_resources()["dvc"].retry_policy()
    assert (policy.deadline, policy.max_body_bytes) == (120.0, 64 * 2**20)


@pytest.mark.parametrize("variable", ["PARINDEX_HTTP_DEADLINE_S", "PARINDEX_HTTP_MAX_BODY_MB"])
@pytest.mark.parametrize("value", ["0", "-3", "ten", "nan", "inf"])
def test_a_bad_http_limit_names_the_variable(variable, value):
    with (
        environment(**{variable: value}),
        pytest.raises(MissingConfiguration, match=f"{variable} must be a positive number"),
    ):
        build_resources()


def test_the_analysts_group_comes_from_the_environment_and_an_unknown_one_is_named():
    own = grp.getgrgid(os.getegid()).gr_name
    with environment(PARINDEX_ANALYST_GROUP=own):
        assert build_resources()["settings"].analyst_group == own
    with environment(PARINDEX_ANALYST_GROUP=""):
        assert build_resources()["settings"].analyst_group is None
    with (
        environment(PARINDEX_ANALYST_GROUP="no-such-analysts"),
        pytest.raises(
            MissingConfiguration, match="PARINDEX_ANALYST_GROUP: there is no group 'no-such-analysts'"
        ),
    ):
        build_resources()
