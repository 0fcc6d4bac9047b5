"""The messages table: each room keeps its last `HISTORY` messages (SQLAlchemy 2).

The database is chosen by ``DATABASE_URL`` and defaults to a SQLite file next to this
example (``examples/chat/chat.db``). The engine, and the table, are made on first use,
so a test can point ``DATABASE_URL`` at a temporary file first.

The functions are synchronous; the route files call them with `asyncio.to_thread` so a
slow disk never holds up the sockets the same process serves.
"""

import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, String, create_engine, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{EXAMPLE_DIR / 'chat.db'}"

HISTORY = 50
"""How many messages a room keeps, and sends to a socket that joins it."""

ROOM_MAX_LENGTH = 40
AUTHOR_MAX_LENGTH = 40
TEXT_MAX_LENGTH = 2000


class Base(DeclarativeBase):
    """The declarative base of this example's models."""


class Message(Base):
    """A row of the ``messages`` table."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(String(ROOM_MAX_LENGTH), index=True)
    author: Mapped[str] = mapped_column(String(AUTHOR_MAX_LENGTH))
    text: Mapped[str] = mapped_column(String(TEXT_MAX_LENGTH))
    sent_at: Mapped[datetime] = mapped_column(DateTime())

    def as_json(self) -> dict[str, Any]:
        """The message as the API and the sockets send it."""
        return {
            "id": self.id,
            "room": self.room,
            "author": self.author,
            "text": self.text,
            "sent_at": self.sent_at.replace(tzinfo=UTC).isoformat(),
        }


@cache
def get_engine() -> Engine:
    """The engine for ``DATABASE_URL``, made (with the table) on first call."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    connect_args: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # Called from worker threads (asyncio.to_thread): connections cross threads.
        connect_args["check_same_thread"] = False
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    Base.metadata.create_all(engine)
    return engine


def add_message(room: str, author: str, text: str) -> dict[str, Any]:
    """Store a message, drop what falls out of the room's history, return it."""
    with Session(get_engine(), expire_on_commit=False) as session:
        message = Message(
            room=room,
            author=author,
            text=text,
            sent_at=datetime.now(UTC).replace(tzinfo=None),
        )
        session.add(message)
        session.flush()
        kept = (
            select(Message.id)
            .where(Message.room == room)
            .order_by(Message.id.desc())
            .limit(HISTORY)
        )
        session.execute(
            delete(Message).where(Message.room == room, Message.id.not_in(kept))
        )
        session.commit()
        return message.as_json()


def last_messages(room: str) -> list[dict[str, Any]]:
    """The room's last `HISTORY` messages, oldest first."""
    with Session(get_engine()) as session:
        newest = session.scalars(
            select(Message)
            .where(Message.room == room)
            .order_by(Message.id.desc())
            .limit(HISTORY)
        )
        return [message.as_json() for message in reversed(list(newest))]
