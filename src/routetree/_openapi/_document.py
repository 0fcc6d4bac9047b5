"""The OpenAPI 3.1 document of a loaded project: `build_openapi`.

One path per route (two for an optional catch-all, see `._paths`), sorted, and one
operation per exported method (`._operations`): HEAD and OPTIONS only when the file
exports them, since the automatic ones say nothing new. Building it takes three
steps:

1. collect the handlers to document (``@operation(include_in_schema=False)`` leaves
   one out; a route whose path OpenAPI cannot tell from another's is left out with
   a warning);
2. make the JSON Schema of every typed input, response model and declared response
   type in one pass (`._schemas`);
3. write each operation, with an ``operationId`` that is unique: the declared ones
   as they are (one declared twice is an error), a derived one taken already gets
   ``_2``, ``_3``... in path order.

``components/schemas`` then holds exactly the schemas the paths refer to.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, cast

from pydantic import TypeAdapter

from .._errors import RouteTreeError
from .._routing._loader import HTTP_METHODS
from .._typed._operation import operation_of
from ._error_bodies import ErrorBodies
from ._operations import DocumentedHandler, endpoint_of, operation_object
from ._paths import default_operation_id, path_templates
from ._schemas import SchemaRequest, Schemas, used_definitions

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .._routing._project import Project

__all__ = ["OPENAPI_VERSION", "build_openapi"]

logger = logging.getLogger("routetree")

OPENAPI_VERSION = "3.1.0"
_TEMPLATE_PARAM = re.compile(r"\{[^}]*\}")


def build_openapi(project: Project, *, title: str, version: str) -> dict[str, Any]:
    """Build the OpenAPI 3.1 document of a loaded project.

    Args:
        project: The loaded project: its routes, handlers and config.
        title: ``info.title``.
        version: ``info.version``.

    Returns:
        The document as JSON-ready dicts and lists, paths sorted.

    Raises:
        RouteTreeError: Two handlers declare the same ``operation_id``, or a type
            has no JSON Schema; the message names the files.
    """
    documented = _documented(project)
    schemas = Schemas([r for d in documented for r in _schema_requests(d)])
    errors = ErrorBodies(set(schemas.definitions))
    ids = _OperationIds(documented)
    paths: dict[str, dict[str, Any]] = {}
    for item in documented:
        for index, template in enumerate(item.templates):
            operation = operation_object(
                item, template, ids.take(item, index), schemas, errors
            )
            paths.setdefault(template.template, {})[item.handler.method.lower()] = (
                operation
            )
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": version},
    }
    base_path = project.config.base_path if project.config is not None else ""
    if base_path:
        document["servers"] = [{"url": base_path}]
    document["paths"] = dict(sorted(paths.items()))
    components = used_definitions(
        paths, {**schemas.definitions, **errors.definitions()}
    )
    if components:
        document["components"] = {"schemas": components}
    return document


def _documented(project: Project) -> list[DocumentedHandler]:
    """The handlers to document, sorted by path then method.

    A route whose path has the shape of a route before it in precedence
    (``[id]`` and ``[...path]`` siblings are both ``/x/{...}``) is left out with a
    warning: OpenAPI cannot tell the two apart.
    """
    found: list[DocumentedHandler] = []
    shapes: dict[str, str] = {}
    for route in project.routes:
        templates = path_templates(route.definition.segments)
        where = route.definition.relative_file
        clash = next(
            (shapes[s] for t in templates if (s := _shape(t.template)) in shapes),
            None,
        )
        if clash is not None:
            logger.warning(
                "%s is left out of the OpenAPI document: its path has the shape of "
                "%s's, and OpenAPI cannot tell paths that differ only in parameter "
                "names apart.",
                where,
                clash,
            )
            continue
        shapes.update((_shape(t.template), where) for t in templates)
        for method in HTTP_METHODS:
            handler = route.handlers.get(method)
            if handler is None:
                continue
            signature = handler.signature
            declared = (
                signature.operation
                if signature is not None
                else operation_of(endpoint_of(handler))
            )
            if declared.include_in_schema:
                found.append(DocumentedHandler(route, handler, declared, templates))
    found.sort(
        key=lambda d: (d.templates[0].template, HTTP_METHODS.index(d.handler.method))
    )
    return found


def _shape(template: str) -> str:
    return _TEMPLATE_PARAM.sub("{}", template)


class _OperationIds:
    """Unique ``operationId`` values: the declared ones first, then the derived.

    Raises:
        RouteTreeError: Two handlers declare the same ``operation_id``.
    """

    def __init__(self, documented: list[DocumentedHandler]) -> None:
        declared: dict[str, str] = {}
        for item in documented:
            name = item.operation.operation_id
            if name is None:
                continue
            if name in declared:
                raise RouteTreeError(
                    f"operation_id {name!r} is declared by {declared[name]} and by "
                    f"{item.where}. An operationId names one operation in the "
                    "OpenAPI document: change one of them."
                )
            declared[name] = item.where
        self._used = set(declared)

    def take(self, item: DocumentedHandler, index: int) -> str:
        """The id of ``item``'s operation on its ``index``-th path template."""
        declared = item.operation.operation_id
        template = item.templates[index]
        if declared is None:
            wanted = default_operation_id(item.handler.method, template.template)
        elif index == 0:
            return declared  # unique, checked at start
        else:  # the second path of an optional catch-all
            wanted = f"{declared}_{template.parameters[-1].name}"
        name, count = wanted, 1
        while name in self._used:
            count += 1
            name = f"{wanted}_{count}"
        self._used.add(name)
        return name


def _schema_requests(item: DocumentedHandler) -> Iterator[SchemaRequest]:
    signature = item.handler.signature
    if signature is not None:
        for typed in signature.inputs:
            yield SchemaRequest(
                item.key(typed.source),
                "validation",
                typed.adapter,
                f"{item.where} {typed.source}",
            )
        if signature.return_adapter is not None:
            yield SchemaRequest(
                item.key("return"),
                "serialization",
                signature.return_adapter,
                f"{item.where} return annotation",
            )
    for status, declared in item.operation.responses.items():
        if isinstance(declared, str) or declared is None:
            continue
        where = f"{item.where} @operation(responses={{{status}: ...}})"
        try:
            adapter: TypeAdapter[Any] = TypeAdapter(cast("Any", declared))
        except Exception as exc:
            raise RouteTreeError(
                f"{where}: {declared!r} is not a type pydantic can describe: {exc}"
            ) from exc
        yield SchemaRequest(item.key(status), "serialization", adapter, where)
