"""What ``scripts/test-lower-bounds`` installs, read from pyproject.toml.

That script runs the test suite with every runtime dependency at its declared lower
bound, so that each ``>=`` in ``[project] dependencies`` is a floor the suite has passed
on.

``constraints`` prints a pip constraints file: ``uvicorn[standard]>=0.30`` becomes
``uvicorn==0.30`` (pip refuses extras in a constraints file). A dependency without a
``>=`` floor is an error: its lowest version could not be tested.

``dev-tools`` prints the ``dev`` extra without the benchmark's contenders (FastAPI and
Starlette), which are pinned to recent releases that need a newer pydantic than
routetree's floor, and without schemathesis, whose every 4.x release needs a newer rich
than routetree's floor; the tests that run them do so only where they are installed.

Usage: ``python scripts/lower_bounds.py constraints|dev-tools [pyproject.toml]``
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

BENCHMARK_CONTENDERS = frozenset({"fastapi", "starlette"})
# Dev tools that cannot be installed beside the floors: schemathesis 4.x needs
# rich>=13.9.4. The test that runs it (tests/examples/test_users_conformance.py) is
# skipped in the lower-bounds run only.
CONFLICTING_WITH_FLOORS = frozenset({"schemathesis"})
LEFT_OUT_OF_DEV_TOOLS = BENCHMARK_CONTENDERS | CONFLICTING_WITH_FLOORS

# A name, optional [extras], a ">=" floor, then maybe ",<cap" and a marker.
_FLOOR = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*"
    r">=\s*(?P<floor>[A-Za-z0-9.+!-]+)\s*(?:,[^;]*)?(?:;.*)?$"
)


def lower_bound_constraints(dependencies: list[str]) -> list[str]:
    """Return one ``name==floor`` line per dependency.

    Raises:
        ValueError: a dependency has no ``>=`` lower bound.
    """
    lines = []
    for requirement in dependencies:
        match = _FLOOR.match(requirement.strip())
        if match is None:
            raise ValueError(
                f"{requirement!r} in [project] dependencies has no '>=' lower bound. "
                "Give it one (the lowest version the test suite passes on)."
            )
        lines.append(f"{match['name']}=={match['floor']}")
    return lines


def dev_tools(dev_extra: list[str]) -> list[str]:
    """Return the ``dev`` extra's requirements except `LEFT_OUT_OF_DEV_TOOLS`."""
    return [
        requirement
        for requirement in dev_extra
        if re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower()
        not in LEFT_OUT_OF_DEV_TOOLS
    ]


def main(argv: list[str]) -> int:
    """Print what ``argv[1]`` names, read from ``argv[2]`` (or ./pyproject.toml)."""
    if len(argv) < 2 or argv[1] not in ("constraints", "dev-tools"):
        print(
            "usage: python scripts/lower_bounds.py constraints|dev-tools "
            "[pyproject.toml]",
            file=sys.stderr,
        )
        return 2
    path = Path(argv[2] if len(argv) > 2 else "pyproject.toml")
    project = tomllib.loads(path.read_text())["project"]
    if argv[1] == "dev-tools":
        print("\n".join(dev_tools(project["optional-dependencies"]["dev"])))
        return 0
    try:
        lines = lower_bound_constraints(project["dependencies"])
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
