"""Typed handlers: validated input, response models, and what OpenAPI reads of them.

A handler asks for typed input by naming a parameter ``body``, ``form``, ``query``,
``params``, ``headers`` or ``cookies`` and annotating it; a return annotation that is
not `Response` makes it answer with a validated, serialised model. All of it is worked
out once, at start-up, when `routetree._routing._loader` imports a route file:

1. `._signature` reads the handler's signature into a `HandlerSignature`, with the
   help of `._annotations` (resolve each annotation in the route's module, tell
   request/context from typed inputs and a `Response` from a model), or refuses it
   with a start-up error naming the file; a handler with no such annotation gets
   none and keeps the plain call path, and pydantic is never imported for it.
2. `._adapters` builds one pydantic ``TypeAdapter`` per typed input and response
   model, and reads from its JSON Schema which keys an input has and which are lists.
3. `._operation` holds what ``@operation(...)`` declared for the OpenAPI document (the
   status of a model answer, other responses, tags, an ``operationId``).
4. `._handler` builds the wrapper that becomes the handler's `Handler.func`, with a
   reader per input from `._binding`.

Per request, only a typed handler pays: its wrapper reads and validates each input,
answers 422 with every failing field located (`._validation_errors`), calls the
handler and serialises its return value. The OpenAPI document (`routetree._openapi`)
is built from the same `HandlerSignature` values, so validation and the document
never disagree.
"""
