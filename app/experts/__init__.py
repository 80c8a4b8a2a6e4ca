"""The expert pool (专家库): experts, declarations, roster import and export.

The blueprint is in ``blueprint.py``; ``create_app`` imports ``routes.py``, which gathers the route
modules. Importing the package (or its models and services) pulls in no views."""
