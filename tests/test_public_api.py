"""The public namespace: ``__all__`` sorted and complete, exports documented."""

from __future__ import annotations

import importlib
import inspect
import re
from typing import TYPE_CHECKING

import pytest

import routetree
import routetree.testing

if TYPE_CHECKING:
    from types import ModuleType

MODULES = {"routetree": routetree, "routetree.testing": routetree.testing}


def _is_class_or_function(value: object) -> bool:
    return inspect.isclass(value) or inspect.isfunction(value)


@pytest.mark.parametrize("module", MODULES.values(), ids=MODULES.keys())
def test_all_is_sorted(module: ModuleType) -> None:
    # ruff's RUF022 order (isort style): CONSTANTS, then Classes, then the rest.
    def group(name: str) -> tuple[int, str]:
        if name.isupper():
            return 0, name
        return (1 if name[0].isupper() else 2), name

    assert list(module.__all__) == sorted(module.__all__, key=group)


@pytest.mark.parametrize("module", MODULES.values(), ids=MODULES.keys())
def test_every_name_in_all_exists(module: ModuleType) -> None:
    assert [name for name in module.__all__ if not hasattr(module, name)] == []


@pytest.mark.parametrize("module", MODULES.values(), ids=MODULES.keys())
def test_all_has_no_duplicates(module: ModuleType) -> None:
    assert len(module.__all__) == len(set(module.__all__))


def test_every_public_class_and_function_is_exported() -> None:
    public = {
        name
        for name, value in vars(routetree).items()
        if not name.startswith("_") and _is_class_or_function(value)
    }
    assert sorted(public - set(routetree.__all__)) == []


def test_testing_exports_its_public_classes_and_functions() -> None:
    defined_here = {
        name
        for name, value in vars(routetree.testing).items()
        if not name.startswith("_")
        and _is_class_or_function(value)
        and getattr(value, "__module__", None) == "routetree.testing"
    }
    assert sorted(defined_here - set(routetree.testing.__all__)) == []


@pytest.mark.parametrize(
    ("module", "name"),
    [
        pytest.param(module, name, id=f"{module_name}.{name}")
        for module_name, module in MODULES.items()
        for name in module.__all__
        if _is_class_or_function(getattr(module, name, None))
    ],
)
def test_every_exported_class_and_function_has_a_docstring(
    module: ModuleType, name: str
) -> None:
    value = getattr(module, name)
    # A class's own docstring, not one inherited from its base.
    doc = value.__dict__.get("__doc__") if inspect.isclass(value) else value.__doc__
    assert isinstance(doc, str)
    assert doc.strip()


def test_version_is_a_version_string() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", routetree.__version__)


def test_the_names_a_route_file_imports() -> None:
    from routetree import Request, Response, not_found

    assert inspect.isclass(Request)
    assert inspect.isclass(Response)
    assert inspect.isfunction(not_found)


@pytest.mark.parametrize(
    "name",
    [
        # spec section 2-5
        "Request",
        "Response",
        "RouteContext",
        "HTTPError",
        "URL",
        "Headers",
        "create_app",
        "cookies",
        "headers",
        "redirect",
        "permanent_redirect",
        "not_found",
        "forbidden",
        "unauthorized",
        "after",
        # spec section 11
        "operation",
        # spec section 12
        "publish",
        "WebSocket",
        "WebSocketClosedError",
    ],
)
def test_spec_names_are_importable_from_routetree(name: str) -> None:
    assert name in routetree.__all__
    assert getattr(routetree, name) is not None


@pytest.mark.parametrize(
    "name",
    [
        "TestClient",
        "AsyncTestClient",
        "live_server",
        # spec section 12: TestClient.websocket_connect and what it returns and raises
        "WebSocketSession",
        "AsyncWebSocketSession",
        "WebSocketClosedError",
        "WebSocketDeniedError",
    ],
)
def test_testing_exports_the_clients(name: str) -> None:
    testing = importlib.import_module("routetree.testing")
    assert name in testing.__all__
    assert _is_class_or_function(getattr(testing, name))
