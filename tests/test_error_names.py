"""Every exception class routetree defines is named ``...Error``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import routetree
from routetree._errors import ControlFlowSignal

# Not errors: the stop functions' signal unwinds a handler on purpose.
NOT_ERRORS = {ControlFlowSignal}


def _exception_classes() -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for info in pkgutil.walk_packages(routetree.__path__, "routetree."):
        if info.name.endswith("__main__"):  # importing it runs the CLI
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__.startswith("routetree")
            ):
                found.add(value)
    return found


def test_exception_classes_end_in_error() -> None:
    classes = _exception_classes()
    assert routetree.HTTPError in classes  # the walk reached the modules
    misnamed = [
        cls.__qualname__
        for cls in classes - NOT_ERRORS
        if not cls.__name__.endswith("Error")
    ]
    assert sorted(misnamed) == []
