"""WebSocket sessions for the test clients, over the ASGI WebSocket protocol.

``TestClient.websocket_connect(path)`` and its async twin build a ``websocket`` scope
and run the app as a task beside the test, exchanging ASGI messages through two queues:

- the client's side (`AsyncWebSocketSession`, and `WebSocketSession` which drives it
  from a synchronous test through a blocking portal) sends ``websocket.connect``,
  ``websocket.receive`` and ``websocket.disconnect``, and reads what the app sends;
- the app's side checks the order of the app's messages as a server would, and answers
  ``websocket.disconnect`` once either side has closed.

A refusal before ``accept`` (``websocket.close``, or the ``websocket.http.response``
extension's status and body) raises `WebSocketDeniedError`; a close from the app
raises `WebSocketClosedError` on the next receive; an exception in the app is raised in
the test instead of being turned into a close code. Every wait has a timeout, so a test
fails rather than hangs.
"""

from ._handshake import upgrade_headers, websocket_scope
from ._outcomes import WebSocketClosedError, WebSocketDeniedError
from ._session import DEFAULT_WEBSOCKET_TIMEOUT, AsyncWebSocketSession
from ._sync import WebSocketSession

__all__ = [
    "DEFAULT_WEBSOCKET_TIMEOUT",
    "AsyncWebSocketSession",
    "WebSocketClosedError",
    "WebSocketDeniedError",
    "WebSocketSession",
    "upgrade_headers",
    "websocket_scope",
]
