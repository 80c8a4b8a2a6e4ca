"""Consultation requests (会商): workflow, staffing offices, escalation, pool screening, the panel draw.

The blueprint is in ``blueprint.py``; ``create_app`` imports ``routes.py``, which gathers the route
modules. Importing the package (or its models and services) pulls in no views."""
