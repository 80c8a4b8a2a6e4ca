"""HTTP API v1 (../shared/api.md): bearer-token auth, JSON errors, one module per feature.

The blueprint is in ``blueprint.py``; ``create_app`` imports ``routes.py``, which gathers the
endpoint modules (``core.py`` holds what they share: auth, errors, the route registry)."""
