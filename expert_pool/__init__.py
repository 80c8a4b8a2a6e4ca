"""Framework-free domain of the expert pool: code lists, region codes, recusal, the panel draw
and working-day calendar. Nothing in this package imports Flask or SQLAlchemy."""
