"""Shared code of the users example: the database layer and the API's schemas.

Route files import it absolutely (``from lib.db import ...``): routetree puts the
project folder on ``sys.path``.
"""
