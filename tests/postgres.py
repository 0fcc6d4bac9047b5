"""The users example's real PostgreSQL server, for the tests outside the example.

The example keeps its test helpers in ``examples/users/tests/``, which is not a
package; this loads its ``postgres_server.py`` by path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

__all__ = ["postgres_server_class"]

SERVER_MODULE = (
    Path(__file__).resolve().parent.parent
    / "examples"
    / "users"
    / "tests"
    / "postgres_server.py"
)


def postgres_server_class() -> type[Any]:
    """``PostgresServer`` of the example: ``start()``, ``create_database``, ``url``."""
    spec = importlib.util.spec_from_file_location(
        "users_postgres_server", SERVER_MODULE
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    server: type[Any] = module.PostgresServer
    return server
