"""Project configuration: ``routetree.toml`` or ``[tool.routetree]``, and ``.env``.

Read once, at start-up, into frozen values that the request path only consults:

1. `._env` loads the ``.env*`` files of the mode into `os.environ`, in Next.js's
   order, before any project code is imported.
2. `._file` decides which file applies (``routetree.toml`` wins over
   ``[tool.routetree]`` in ``pyproject.toml``); `._loading` reads its TOML and
   validates it into a `ProjectConfig`; every error is located
   (``routetree.toml: cors.origins[0]: ...``) and an unknown key gets a suggestion.
3. The rule models compile what a request will be matched against: `._patterns`
   (Next.js path patterns for ``source`` and the middleware matcher, with
   `._regex_analysis` refusing regexes that backtrack catastrophically),
   `._conditions` (``has``/``missing``), `._destination` (redirect and rewrite
   destinations, header templates) and `._cors` (the CORS policy, whose values
   `._cors_checks` checks, for the loader and the policy alike).

A mistake in any of them stops the app before it serves a request. The configured
request stages that use these values live in `routetree._pipeline`.
"""
