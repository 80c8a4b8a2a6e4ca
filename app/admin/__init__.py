"""Administration pages (系统管理): organizations, user accounts and the audit log.

The blueprint (with its admins-only check) is in ``blueprint.py``; ``create_app`` imports
``routes.py``, which gathers the route modules."""
