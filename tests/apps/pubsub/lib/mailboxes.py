"""This process's mailboxes, subscribed through the broker, by id."""

import itertools

from routetree._pubsub import Mailbox

MAILBOXES: dict[str, tuple[str, Mailbox]] = {}
_ids = itertools.count(1)


def new_id() -> str:
    return str(next(_ids))
