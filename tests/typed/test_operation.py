"""``@operation(...)``: what a handler declares for the document and its answer."""

from __future__ import annotations

import pytest

from routetree import operation
from routetree._typed._operation import Operation, operation_of


def test_operation_returns_the_function_itself_and_records_what_it_declared() -> None:
    def handler() -> None:
        raise NotImplementedError

    decorated = operation(
        status=201,
        responses={409: "Already exists", 404: None},
        tags=iter(["users", "admin"]),
        summary="Create",
        operation_id="createUser",
        deprecated=True,
    )(handler)
    assert decorated is handler
    assert operation_of(handler) == Operation(
        status=201,
        responses={409: "Already exists", 404: None},
        tags=("users", "admin"),
        summary="Create",
        operation_id="createUser",
        deprecated=True,
    )


def test_a_function_without_operation_has_the_defaults() -> None:
    def handler() -> None:
        raise NotImplementedError

    assert operation_of(handler) == Operation()
    assert operation_of(handler).status == 200


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param({"status": 99}, id="status-too-low"),
        pytest.param({"status": 600}, id="status-too-high"),
        pytest.param({"responses": {1000: None}}, id="a-response-status"),
    ],
)
def test_a_status_outside_100_599_is_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"is not an HTTP status \(100-599\)"):
        operation(**arguments)  # type: ignore[arg-type]
