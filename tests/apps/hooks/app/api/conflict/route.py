"""Raises its own HTTPError, with a header."""

from routetree import HTTPError


async def PUT():
    raise HTTPError(409, "username is taken", headers={"x-conflict": "username"})
