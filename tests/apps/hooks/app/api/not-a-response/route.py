"""Returns a dict: a 500 with a TypeError."""


def GET():
    return {"not": "a response"}
