"""Opinions (法律审查意见书): drafts, versions, signatures, issuing, files, feedback.

The blueprint is in ``blueprint.py``; ``create_app`` imports ``routes.py``, which gathers the route
modules. Importing the package (or its models and services) pulls in no views."""
