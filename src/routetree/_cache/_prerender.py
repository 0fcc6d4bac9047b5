"""``routetree build``: render the cached routes into ``.routetree/``, for ``start``.

As ``next build`` does: every cached route without params (``force-static``,
``dynamic = "error"``, ``revalidate``) is rendered once, and a dynamic route with
``generate_static_params()`` once per param it lists. Each answer that may be stored
is written to ``.routetree/prerendered/`` and listed in
``.routetree/prerendered.json``. ``routetree start``, when the build is fresh
(`routetree._routing._manifest.read_manifest`), puts them into its store before the
first request (`seed_store`), except where the store holds an answer already (a
shared store another instance filled), so they are a HIT from the first request.

A handler that fails (a 5xx) fails the build, naming the path and the error; for a
``dynamic = "error"`` handler that read request data, the error names what it read.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING
from urllib.parse import quote

import orjson

from .._dispatch import Dispatcher
from .._errors import RouteTreeError
from .._invoke import CompiledRoute, call_user_code
from .._request import DEFAULT_MAX_BODY_SIZE
from .._routing._manifest import MANIFEST_DIR, read_manifest
from .._routing._segments import SegmentKind
from ._entry import decode_entry, encode_entry
from ._memory import MemoryStore
from ._setup import attach_cache
from ._store import StoreUnavailableError
from ._warnings import warn_unavailable

if TYPE_CHECKING:
    from pathlib import Path

    from .._routing._loader import LoadedRoute
    from .._routing._project import Project
    from ._entry import CacheEntry
    from ._store import Store

__all__ = ["PrerenderError", "load_prerendered", "prerender", "seed_store"]

_INDEX = "prerendered.json"
_FOLDER = "prerendered"


class PrerenderError(RouteTreeError):
    """A cached route failed to render at build time."""


async def prerender(project: Project) -> dict[str, list[str]]:
    """Render the project's cached routes into ``.routetree/``.

    Returns:
        The paths rendered, by route file (``app/api/x/[slug]/route.py``).

    Raises:
        PrerenderError: A handler answered a 5xx; the message names the path and why.
    """
    (project.directory / MANIFEST_DIR / _INDEX).unlink(missing_ok=True)  # a stale one
    store = MemoryStore(max_entries=1_000_000, max_size=2**62)
    dispatcher = Dispatcher(dev=False, instrumentation=project.instrumentation)
    written: dict[str, list[str]] = {}
    entries: dict[str, CacheEntry] = {}
    for loaded in project.routes:
        compiled = CompiledRoute(loaded, default_max_body_size=DEFAULT_MAX_BODY_SIZE)
        attach_cache(loaded, compiled, store, dev=False)
        cache = compiled.cache
        if cache is None:
            continue
        for params in await _params_of(loaded):
            path = concrete_path(loaded, params)
            entry, error = await cache.render_for_build(
                dispatcher, path, compiled, params, time.time()
            )
            if error is not None:
                raise PrerenderError(
                    f"{loaded.definition.relative_file} failed to render {path} "
                    f"at build time: {error}"
                ) from error
            if entry is not None:
                entries[path] = entry
                written.setdefault(loaded.definition.relative_file, []).append(path)
    _write(project.directory, entries)
    return written


async def _params_of(loaded: LoadedRoute) -> list[dict[str, str | list[str]]]:
    """The params to render: ``{}`` for a route without, else the listed ones."""
    segments = loaded.definition.segments
    dynamic = any(
        s.kind in (SegmentKind.DYNAMIC, SegmentKind.CATCH_ALL) for s in segments
    )
    generate = loaded.config.generate_static_params
    if generate is None:
        return [] if dynamic else [{}]
    found = await call_user_code(generate)
    if not isinstance(found, list | tuple):
        raise PrerenderError(
            f"generate_static_params in {loaded.definition.relative_file} returned "
            f"{type(found).__name__}: return a list of param dicts, such as "
            '[{"slug": "a"}].'
        )
    return [p for p in found if isinstance(p, dict)]


def concrete_path(loaded: LoadedRoute, params: dict[str, str | list[str]]) -> str:
    """The request path of ``loaded`` for ``params``, each value percent-encoded.

    Raises:
        PrerenderError: ``params`` lacks a param the route needs.
    """
    parts: list[str] = []
    for segment in loaded.definition.segments:
        if segment.kind is SegmentKind.STATIC:
            parts.append(segment.name)
        elif segment.kind is SegmentKind.DYNAMIC:
            value = params.get(segment.name)
            if not isinstance(value, str):
                raise PrerenderError(
                    f"generate_static_params in {loaded.definition.relative_file} "
                    f"listed {params!r} without a string for {segment.name!r}."
                )
            parts.append(quote(value, safe=""))
        elif segment.kind in (SegmentKind.CATCH_ALL, SegmentKind.OPTIONAL_CATCH_ALL):
            values = params.get(segment.name, [])
            if isinstance(values, str) or (
                not values and segment.kind is SegmentKind.CATCH_ALL
            ):
                raise PrerenderError(
                    f"generate_static_params in {loaded.definition.relative_file} "
                    f"listed {params!r}: {segment.name!r} must be a non-empty list "
                    "of strings."
                )
            parts.extend(quote(str(v), safe="") for v in values)
    return "/" + "/".join(parts)


def _file_of(key: str) -> str:
    return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest() + ".entry"


def _write(project_dir: Path, entries: dict[str, CacheEntry]) -> None:
    folder = project_dir / MANIFEST_DIR / _FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.entry"):
        old.unlink()
    index = {}
    for key, entry in entries.items():
        name = _file_of(key)
        (folder / name).write_bytes(encode_entry(entry))
        index[key] = name
    (project_dir / MANIFEST_DIR / _INDEX).write_bytes(
        orjson.dumps(index, option=orjson.OPT_INDENT_2)
    )


def load_prerendered(project_dir: Path) -> dict[str, CacheEntry]:
    """The answers of a fresh build of ``project_dir``; none when it is stale."""
    index_file = project_dir / MANIFEST_DIR / _INDEX
    if not index_file.is_file() or read_manifest(project_dir) is None:
        return {}
    try:
        index = orjson.loads(index_file.read_bytes())
        entries = {}
        for key, name in index.items():
            entry = decode_entry(
                (project_dir / MANIFEST_DIR / _FOLDER / name).read_bytes()
            )
            if entry is not None:
                entries[str(key)] = entry
    except (OSError, orjson.JSONDecodeError, AttributeError, TypeError):
        return {}
    return entries


async def seed_store(store: Store, entries: dict[str, CacheEntry]) -> None:
    """Put prerendered answers into ``store`` where it has none for their path."""
    try:
        for key, entry in entries.items():
            await store.seed(key, entry)
    except StoreUnavailableError as exc:
        warn_unavailable(store.description, exc)
