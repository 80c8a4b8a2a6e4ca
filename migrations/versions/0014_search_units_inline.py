"""search units inline: PostgreSQL keeps each search entry's ``units`` (the text phrase checks
read) compressed in the entry's own heap row instead of out of line in TOAST

A phrase that is not one dictionary word is checked with ``LIKE`` on the ``units`` of every
candidate GIN finds. Out of line, each read is a TOAST index lookup and three or more chunks:
~11.5 µs per candidate whatever the compression (11,300 candidates of "集体经济组织成员资格" at
100,000 opinions: 155 ms, lz4 or none alike). Inline (``STORAGE MAIN``, compressed; out of line
only when a row cannot fit a page) the same check took 87 ms. The rows already there are
rewritten so that they move too.

Revision ID: 0014_search_units_inline
Revises: 0013_search_terms
Create Date: 2026-12-07 01:30:00

"""
from alembic import op

revision = '0014_search_units_inline'
down_revision = '0013_search_terms'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE search_entries ALTER COLUMN units SET STORAGE MAIN')
        # a new value (not the same TOAST pointer) is stored by the new rule
        op.execute("UPDATE search_entries SET units = units || ''")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE search_entries ALTER COLUMN units SET STORAGE EXTENDED')
        op.execute("UPDATE search_entries SET units = units || ''")
