"""Sign-in and accounts: users, sessions, throttling, API tokens, jurisdiction predicates.

The blueprint is in ``blueprint.py``; ``create_app`` imports ``routes.py``, which gathers the route
modules. Importing the package (or its models and services) pulls in no views."""
