"""Read each typed input's raw value from its part of the request.

`input_reader` is called once per typed input at start-up; what it returns is called
per request and gives the value pydantic validates:

- ``body``: ``await request.json()`` (empty or malformed JSON is the usual 400);
- ``form``: ``await request.form()``, urlencoded or multipart, files as `UploadFile`;
- ``query``: the search params;
- ``params``: the route's params, as ``context.params`` has them;
- ``headers``: each field's header, its name read with ``_`` as ``-``, in any case;
- ``cookies``: the request's cookies.

A repeated query key, form field or header feeds a list field every value; any other
field takes the value ``search_params.get()``, ``form[...]`` and ``headers.get()``
give: the first of a repeated key or field, the joined values of a repeated header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from ._adapters import object_fields

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from .._request import Request
    from .._types import Params
    from ._signature import TypedInput

__all__ = ["Reader", "input_reader"]

#: Reads one typed input's raw value from a request (the route's params at hand).
Reader: TypeAlias = "Callable[[Request, Params], Awaitable[object]]"


def input_reader(typed: TypedInput, owner: str) -> Reader:
    """What reads ``typed``'s raw value from a request, per request.

    Args:
        typed: The typed input.
        owner: The handler, as messages name it (``"GET in app/x/route.py"``).
    """
    source, lists = typed.source, typed.list_fields
    if source == "body":
        return _read_json
    if source == "params":
        return _read_params
    if source == "form":
        return _form_reader(lists)
    if source == "query":
        return _query_reader(lists)
    keys = object_fields(typed.adapter, owner, f"`{source}`").keys
    if source == "headers":
        return _headers_reader(keys, lists)
    return _cookies_reader(keys)


async def _read_json(request: Request, params: Params) -> object:
    return await request.json()


async def _read_params(request: Request, params: Params) -> object:
    return params


def _form_reader(lists: frozenset[str]) -> Reader:
    async def read(request: Request, params: Params) -> object:
        form = await request.form()
        return _collect(form.multi_items(), lists)

    return read


def _query_reader(
    lists: frozenset[str],
) -> Reader:
    async def read(request: Request, params: Params) -> object:
        return _collect(request.url.search_params.multi_items(), lists)

    return read


def _headers_reader(keys: tuple[str, ...] | None, lists: frozenset[str]) -> Reader:
    if keys is None:  # a mapping: every header, by its (lower-case) name

        async def read_all(request: Request, params: Params) -> object:
            return dict(request.headers)

        return read_all

    fields = tuple((key.lower().replace("_", "-"), key, key in lists) for key in keys)

    async def read(request: Request, params: Params) -> object:
        headers = request.headers
        data: dict[str, object] = {}
        for name, key, is_list in fields:
            values = headers.get_all(name)
            if values:
                data[key] = values if is_list else ", ".join(values)
        return data

    return read


def _cookies_reader(
    keys: tuple[str, ...] | None,
) -> Reader:
    if keys is None:

        async def read_all(request: Request, params: Params) -> object:
            return dict(request.cookies)

        return read_all

    # Only the fields' cookies: a 422 item echoes its input, and the other cookies
    # (a session token) have no business in it.
    async def read(request: Request, params: Params) -> object:
        cookies = request.cookies
        return {key: cookies[key] for key in keys if key in cookies}

    return read


def _collect(
    items: Iterable[tuple[str, object]], lists: frozenset[str]
) -> dict[str, object]:
    """Name -> value: every value for a list field, else the first one."""
    data: dict[str, object] = {}
    many: dict[str, list[object]] = {}
    for key, value in items:
        if key in lists:
            many.setdefault(key, []).append(value)
        elif key not in data:
            data[key] = value
    data.update(many)
    return data
