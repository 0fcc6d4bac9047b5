"""State shared by the routes of the functions test app, in the server process.

after() callbacks run in the server after the response is sent, so the tests observe
them through `record()` (read back by ``GET /api/records?key=...``) and hold them with
`wait_released()` until ``GET /api/release?key=...`` arrives.
"""

import asyncio
import threading
import time

RECORDS: dict[str, list[dict[str, object]]] = {}
_EVENTS: dict[str, threading.Event] = {}
_LOCK = threading.Lock()
WAIT = 10.0  # how long a callback waits for its release


def record(key: str, **data: object) -> None:
    """Append ``data`` to what the test ``key`` will read back."""
    with _LOCK:
        RECORDS.setdefault(key, []).append(data)


def records(key: str) -> list[dict[str, object]]:
    """What was recorded for ``key`` so far."""
    with _LOCK:
        return list(RECORDS.get(key, []))


def _event(key: str) -> threading.Event:
    with _LOCK:
        return _EVENTS.setdefault(key, threading.Event())


def release(key: str) -> None:
    """Let the callbacks waiting for ``key`` go on."""
    _event(key).set()


def wait_released(key: str) -> bool:
    """Block until ``key`` is released (True) or WAIT seconds passed (False)."""
    return _event(key).wait(WAIT)


async def await_released(key: str) -> bool:
    """`wait_released` for the event loop: poll without blocking it."""
    event = _event(key)
    deadline = time.monotonic() + WAIT
    while not event.is_set():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


def in_event_loop() -> bool:
    """Whether the caller runs on an event loop (an async callback does)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
