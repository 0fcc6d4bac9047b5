"""Static files: the ``public/`` folder beside ``app/``, served at the root path."""
