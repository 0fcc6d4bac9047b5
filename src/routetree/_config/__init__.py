"""Project configuration: ``routetree.toml`` or ``[tool.routetree]``, and ``.env``.

Read once, at start-up, into frozen values that the request path only consults:

1. `._env` loads the ``.env*`` files of the mode into `os.environ`, in Next.js's
   order, before any project code is imported.
2. `._file` decides which file applies (``routetree.toml`` wins over
   ``[tool.routetree]`` in ``pyproject.toml``), and `._loading` reads its TOML into
   a `._project_config.ProjectConfig`, the model of every key and its default. Every
   error is reported at its key (``routetree.toml: cors.origins[0]: ...``), and an
   unknown key gets a suggestion.
3. Validating the models compiles what a request will be matched against. `._rules`
   holds the ``headers``, ``redirects`` and ``rewrites`` rules, built on `._patterns`
   (Next.js path patterns for ``source`` and the middleware matcher, with
   `._regex_analysis` refusing regexes that backtrack catastrophically),
   `._conditions` (``has``/``missing``) and `._destination` (redirect and rewrite
   destinations, header templates). The ``cors`` table becomes `._cors`'s policy;
   `._cors_checks` holds the rules for its values, for the loader and the policy
   alike.

A mistake in any of them stops the app before it serves a request. The configured
request stages that use these values live in `routetree._pipeline`.
"""
