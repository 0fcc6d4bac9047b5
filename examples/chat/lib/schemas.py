"""What a client may send: a message, over the socket or by HTTP POST."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from lib.db import AUTHOR_MAX_LENGTH, ROOM_MAX_LENGTH, TEXT_MAX_LENGTH

RoomName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=ROOM_MAX_LENGTH, pattern=r"^[\w-]+$"),
]


class RoomParams(BaseModel):
    """The ``[room]`` segment: letters, digits, ``_`` and ``-``, 1-40 characters."""

    room: RoomName


class MessageIn(BaseModel):
    """A message to post in a room."""

    model_config = ConfigDict(extra="forbid")

    author: Annotated[
        str, StringConstraints(min_length=1, max_length=AUTHOR_MAX_LENGTH)
    ]
    text: Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX_LENGTH)]
