"""The users table and the queries the routes need (SQLAlchemy 2, synchronous).

The database is chosen by the ``DATABASE_URL`` environment variable and defaults to a
SQLite file next to this example (``examples/users/users.db``). PostgreSQL works the
same through psycopg 3: ``postgresql+psycopg://user:password@host:5432/users``. The
engine is created on first use, not at import time, so a test can point
``DATABASE_URL`` at a temporary database first, and each worker process of
``routetree start --workers N`` makes its own; the ``users`` table is created at the
same moment if it does not exist yet.

Every function opens its own short session and returns detached `User` objects whose
attributes stay readable after the session is closed (``expire_on_commit=False``).
"""

import os
import threading
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Engine,
    Integer,
    String,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

EXAMPLE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{EXAMPLE_DIR / 'users.db'}"

NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
# The largest signed 64-bit integer, SQLite's INTEGER and PostgreSQL's BIGINT: the
# largest id and offset.
MAX_ID = 2**63 - 1
# The key of the PostgreSQL advisory lock that workers starting together take in turn
# to create the table (any constant: "users" in ASCII).
_CREATE_LOCK = 0x7573657273


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime.

    SQLite has no time zones: a ``DateTime(timezone=True)`` column comes back naive.
    This type converts on the way in and tags UTC on the way out, on every database.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime, got a naive one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: Any | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base of this example's models."""


class User(Base):
    """A row of the ``users`` table."""

    __tablename__ = "users"
    # Ids are never reused, not even the last one after it is deleted, so a deleted
    # user's URL never names someone else: PostgreSQL's sequence never goes back, and
    # SQLite does the same with AUTOINCREMENT (without it, it reuses the largest id).
    __table_args__ = ({"sqlite_autoincrement": True},)

    # BIGINT (a BIGSERIAL) on PostgreSQL, whose INTEGER is 32-bit; INTEGER on SQLite,
    # where only an INTEGER PRIMARY KEY numbers rows by itself, and is 64-bit.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"User(id={self.id!r}, name={self.name!r}, email={self.email!r})"


class EmailTakenError(Exception):
    """Another user already has this email address."""

    def __init__(self, email: str) -> None:
        self.email = email
        super().__init__(f"a user with email {email} already exists")


# Handlers run in several threads at once: the first requests must not each make an
# engine (and a pool of connections) of their own.
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """Return the engine for ``DATABASE_URL``, made (with the tables) on first call.

    Its pool checks each connection before lending it (``pool_pre_ping``), so one the
    database server closed meanwhile (a restart, an idle timeout) is replaced instead
    of failing a request.
    """
    with _engine_lock:
        return _engine()


@cache
def _engine() -> Engine:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    connect_args: dict[str, Any] = {}
    if url.startswith("sqlite"):
        # Plain `def` handlers run in worker threads: pooled connections cross threads.
        connect_args["check_same_thread"] = False
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    _create_tables(engine)
    return engine


def _create_tables(engine: Engine) -> None:
    """Create the tables that do not exist yet, one process at a time on PostgreSQL."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Workers starting together would each see no table and each create it,
            # and all but one would fail; the lock, held until this transaction ends,
            # makes the others wait and then see the table.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK}
            )
        Base.metadata.create_all(connection)


def reset_engine() -> None:
    """Dispose of the cached engine: the next use reads ``DATABASE_URL`` again."""
    with _engine_lock:
        if _engine.cache_info().currsize:
            _engine().dispose()
        _engine.cache_clear()


def _forget_pool_after_fork() -> None:
    # A forked process must not use the connections it inherited, which its parent
    # still uses: give the engine a new, empty pool, leaving those to the parent. The
    # lock may have been held by another thread of the parent, which the child lacks.
    global _engine_lock
    _engine_lock = threading.Lock()
    if _engine.cache_info().currsize:
        _engine().dispose(close=False)


os.register_at_fork(after_in_child=_forget_pool_after_fork)


def _session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


def _email_taken(
    session: Session, email: str, *, exclude_id: int | None = None
) -> bool:
    query = select(func.count()).select_from(User).where(User.email == email)
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return bool(session.scalar(query))


def _commit(session: Session, email: str, *, exclude_id: int | None = None) -> None:
    """Commit, turning a unique-email violation into `EmailTakenError`."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if _email_taken(session, email, exclude_id=exclude_id):
            raise EmailTakenError(email) from exc
        raise


def list_users(*, limit: int, offset: int = 0) -> list[User]:
    """Return at most ``limit`` users, oldest first, skipping the first ``offset``."""
    with _session() as session:
        query = select(User).order_by(User.id).limit(limit).offset(offset)
        return list(session.scalars(query))


def get_user(user_id: int) -> User | None:
    """Return the user with this id, or ``None``."""
    with _session() as session:
        return session.get(User, user_id)


def create_user(name: str, email: str) -> User:
    """Insert a user and return it.

    Raises:
        EmailTakenError: Another user has this email.
    """
    with _session() as session:
        user = User(name=name, email=email, created_at=utcnow())
        session.add(user)
        _commit(session, email)
        return user


def update_user(
    user_id: int, *, name: str | None = None, email: str | None = None
) -> User | None:
    """Change the given fields of a user (``None`` leaves a field as it is).

    Returns:
        The updated user, or ``None`` if there is no user with this id.

    Raises:
        EmailTakenError: Another user has the new email.
    """
    with _session() as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        if name is not None:
            user.name = name
        if email is not None:
            user.email = email
        _commit(session, user.email, exclude_id=user_id)
        return user


def delete_user(user_id: int) -> bool:
    """Delete a user; return whether there was one."""
    with _session() as session:
        user = session.get(User, user_id)
        if user is None:
            return False
        session.delete(user)
        session.commit()
        return True
