"""search GIN pending list: the tsvector index of ``search_terms`` keeps at most 512 kB of
not-yet-merged entries (PostgreSQL's default is 4 MB)

GIN collects new entries in a pending list and merges them in bulk; every search scans the whole
list. After bulk inserts the bench's index held 468 pending pages: a three-word GIN scan took 5.8
ms, 4.6 ms once the list was merged, and a page of results runs two or three such scans. With 512
kB an opinion indexed alone still takes 14 ms (median of 40; a merge every ~15 opinions, at most
140 ms), as with 4 MB. ``flask search rebuild`` merges what is left when it ends.

Revision ID: 0015_search_gin_pending
Revises: 0014_search_units_inline
Create Date: 2026-12-07 02:05:00

"""
from alembic import op

revision = '0015_search_gin_pending'
down_revision = '0014_search_units_inline'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER INDEX ix_search_terms_tsv SET (gin_pending_list_limit = 512)')
        op.execute("SELECT gin_clean_pending_list('ix_search_terms_tsv'::regclass)")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER INDEX ix_search_terms_tsv RESET (gin_pending_list_limit)')
