"""In-app notification centre and the e-mail outbox.

The blueprint is in ``blueprint.py``; ``create_app`` imports ``routes.py``, which gathers the route
modules. Importing the package (or its models and services) pulls in no views."""
