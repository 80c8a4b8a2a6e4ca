"""Consultation meetings (会商会议): slots, scheduling, iCalendar invitations, minutes.

The blueprint is in ``blueprint.py``; ``create_app`` imports ``routes.py``, which gathers the route
modules. Importing the package (or its models and services) pulls in no views."""
