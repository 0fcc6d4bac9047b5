"""A def handler sleeping 3 s, past max_duration: its thread cannot be stopped."""

import time

from routetree import Response

max_duration = 1


def GET():
    time.sleep(3)
    return Response("finished")
