"""One operation object of the document, from one handler and what it declares.

- ``summary`` and ``description``: the handler's docstring, its first line and the
  rest (``@operation(summary=..., description=...)`` replaces them);
- ``tags``: see `._paths`, or ``@operation(tags=...)``;
- ``parameters``: each dynamic segment (a string, or the field of the ``params``
  model of that name; a catch-all stays a string), each field of ``query``,
  ``headers`` (``_`` written ``-``) and ``cookies``;
- ``requestBody``: ``body`` as JSON, ``form`` as urlencoded and multipart forms;
- ``responses``: the return model under ``@operation(status=...)`` (200), what
  ``@operation(responses=...)`` declares, 422 when any input is validated, 400 for
  a body or form that does not parse (415 for a form that is not one). A handler
  with neither a return model nor declared answers gets a ``default`` response.
  404 and 405 are never listed: every route has them.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._errors import reason_phrase
from .._routing._segments import SegmentKind
from .._typed._signature import LOCATIONS
from ._paths import default_tags

if TYPE_CHECKING:
    from .._routing._loader import Handler, LoadedRoute
    from .._typed._operation import Operation
    from .._typed._signature import Source, TypedInput
    from ._error_bodies import ErrorBodies
    from ._paths import PathTemplate
    from ._schemas import Schemas

__all__ = ["DocumentedHandler", "endpoint_of", "operation_object"]

_FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_PARAMETER_SOURCES: tuple[Source, ...] = ("query", "headers", "cookies")
_UNDECLARED = "The handler's response (its shape is not declared)."
_CATCH_ALL = "One or more path segments, separated by /."


@dataclass(frozen=True, slots=True)
class DocumentedHandler:
    """One exported handler of one route, and what it declares for the document.

    Attributes:
        route: The loaded route.
        handler: The handler, with its signature if it is typed.
        operation: What ``@operation(...)`` declared (or the defaults).
        templates: The route's OpenAPI paths: one, or two for an optional
            catch-all.
    """

    route: LoadedRoute
    handler: Handler
    operation: Operation
    templates: list[PathTemplate]

    @property
    def where(self) -> str:
        """The file and method, for messages: ``app/api/users/route.py: POST``."""
        return f"{self.route.definition.relative_file}: {self.handler.method}"

    def key(self, role: object) -> tuple[str, str, object]:
        """The key of one of its schemas (an input's source, "return", a status)."""
        return (self.route.definition.relative_file, self.handler.method, role)


def endpoint_of(handler: Handler) -> Any:
    """The function the route file exports (not a typed handler's wrapper)."""
    return handler.endpoint if handler.endpoint is not None else handler.func


def operation_object(
    item: DocumentedHandler,
    template: PathTemplate,
    operation_id: str,
    schemas: Schemas,
    errors: ErrorBodies,
) -> dict[str, Any]:
    """The operation object of ``item`` on one of its paths."""
    declared = item.operation
    summary, description = _docstring(endpoint_of(item.handler))
    operation: dict[str, Any] = {}
    tags = (
        list(declared.tags)
        if declared.tags is not None
        else default_tags(item.route.definition.segments)
    )
    if tags:
        operation["tags"] = tags
    if declared.summary is not None:
        summary = declared.summary
    if declared.description is not None:
        description = declared.description
    if summary:
        operation["summary"] = summary
    if description:
        operation["description"] = description
    operation["operationId"] = operation_id
    parameters = [
        *_path_parameters(item, template, schemas),
        *_other_parameters(item, schemas),
    ]
    if parameters:
        operation["parameters"] = parameters
    body = _request_body(item, schemas)
    if body is not None:
        operation["requestBody"] = body
    operation["responses"] = _responses(item, schemas, errors)
    if declared.deprecated:
        operation["deprecated"] = True
    return operation


def _docstring(endpoint: object) -> tuple[str | None, str | None]:
    doc = inspect.getdoc(endpoint)
    if not doc:
        return None, None
    first, _, rest = doc.partition("\n")
    return first.strip() or None, rest.strip() or None


def _inputs(item: DocumentedHandler) -> tuple[TypedInput, ...]:
    signature = item.handler.signature
    return () if signature is None else signature.inputs


def _fields(
    item: DocumentedHandler, typed: TypedInput, schemas: Schemas
) -> dict[str, tuple[dict[str, Any], bool]] | None:
    """The fields of an input's model: name -> (schema, required); None if none."""
    resolved = schemas.resolve(schemas[item.key(typed.source)])
    properties = resolved.get("properties")
    if not isinstance(properties, dict):
        return None
    required = set(resolved.get("required", ()))
    return {name: (schema, name in required) for name, schema in properties.items()}


def _parameter(
    name: str, where: str, schema: dict[str, Any], *, required: bool
) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": where,
        "required": required,
        "schema": schema,
    }
    if isinstance(schema.get("description"), str):
        parameter["description"] = schema["description"]
    if schema.get("deprecated") is True:
        parameter["deprecated"] = True
    return parameter


def _path_parameters(
    item: DocumentedHandler, template: PathTemplate, schemas: Schemas
) -> list[dict[str, Any]]:
    typed = next((t for t in _inputs(item) if t.source == "params"), None)
    fields = None if typed is None else _fields(item, typed, schemas)
    parameters = []
    for segment in template.parameters:
        field = (fields or {}).get(segment.name)
        if segment.kind is SegmentKind.DYNAMIC:
            schema = {"type": "string"} if field is None else field[0]
            parameter = _parameter(segment.name, "path", schema, required=True)
        else:
            # The segments travel as one string; a list type in params says how
            # the handler gets them, not how they are written in the URL.
            parameter = _parameter(
                segment.name, "path", {"type": "string"}, required=True
            )
            parameter["description"] = (
                field[0].get("description", _CATCH_ALL) if field else _CATCH_ALL
            )
        parameters.append(parameter)
    return parameters


def _other_parameters(
    item: DocumentedHandler, schemas: Schemas
) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for typed in _inputs(item):
        if typed.source not in _PARAMETER_SOURCES:
            continue
        where = LOCATIONS[typed.source]
        fields = _fields(item, typed, schemas)
        if fields is None:
            if typed.source == "query":  # e.g. dict[str, str]: free-form
                free = _parameter(
                    "query", where, schemas[item.key("query")], required=False
                )
                parameters.append({**free, "style": "form", "explode": True})
            continue
        for name, (schema, required) in fields.items():
            wire = name.replace("_", "-") if typed.source == "headers" else name
            if (wire.lower(), where) in seen:
                continue
            seen.add((wire.lower(), where))
            parameters.append(_parameter(wire, where, schema, required=required))
    return parameters


def _request_body(item: DocumentedHandler, schemas: Schemas) -> dict[str, Any] | None:
    content: dict[str, Any] = {}
    for typed in _inputs(item):
        schema = schemas[item.key(typed.source)]
        if typed.source == "body":
            content["application/json"] = {"schema": schema}
        elif typed.source == "form":
            for media_type in _FORM_MEDIA_TYPES:
                content[media_type] = {"schema": dict(schema)}
    return {"required": True, "content": content} if content else None


def _responses(
    item: DocumentedHandler, schemas: Schemas, errors: ErrorBodies
) -> dict[str, Any]:
    declared = item.operation
    signature = item.handler.signature
    responses: dict[str, Any] = {}
    if signature is not None and signature.return_adapter is not None:
        responses[str(declared.status)] = {
            "description": _description(declared.status),
            "content": {"application/json": {"schema": schemas[item.key("return")]}},
        }
    for status, answer in declared.responses.items():
        if isinstance(answer, str):
            responses[str(status)] = {"description": answer}
        elif answer is None:
            responses[str(status)] = {"description": _description(status)}
        else:
            responses[str(status)] = {
                "description": _description(status),
                "content": {"application/json": {"schema": schemas[item.key(status)]}},
            }
    if not responses:
        responses["default"] = {"description": _UNDECLARED}
    _add_error_responses(responses, item, errors)
    return dict(sorted(responses.items(), key=_status_order))


def _description(status: int) -> str:
    """The reason phrase; OpenAPI requires a description even for 299."""
    return reason_phrase(status) or f"Status {status}"


def _add_error_responses(
    responses: dict[str, Any], item: DocumentedHandler, errors: ErrorBodies
) -> None:
    """Add routetree's own 4xx answers that the handler does not declare itself."""
    sources = {typed.source for typed in _inputs(item)}
    statuses = []
    if sources & {"body", "form"}:
        statuses.append(400)
    if "form" in sources:
        statuses.append(415)
    if sources:
        statuses.append(422)
    for status in statuses:
        responses.setdefault(str(status), errors.response(status))


def _status_order(item: tuple[str, object]) -> tuple[int, str]:
    code = item[0]
    return (int(code), code) if code.isdigit() else (1000, code)
