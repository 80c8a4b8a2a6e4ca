"""search terms: the tsvector of each search entry moves to a narrow table of its own
(``search_terms``: opinion, case, date, facet combination, tsvector), and the six facet values
become one integer key (``search_facet_keys``)

A PostgreSQL search counts and facets every match. It visited the ~500-byte heap row of each
(≈ 6,000 pages for 18,760 matches at 100,000 opinions) and grouped six text columns; the narrow
row is ~60 bytes (≈ 800 pages) and groups one integer.

Revision ID: 0013_search_terms
Revises: 0012_case_extension_days
Create Date: 2026-12-06 22:40:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0013_search_terms'
down_revision = '0012_case_extension_days'
branch_labels = None
depends_on = None

TSVECTOR = sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql')
# What app.search.backends.pg_facets.facet_combination writes, in SQL (for the rows already there).
COMBINATION = ("concat_ws(chr(31), COALESCE(category, ''), COALESCE(tier, ''), COALESCE(province_code, ''), "
               "COALESCE(year::text, ''), COALESCE(conclusion, ''), array_to_string(recommendations, ','))")


def upgrade():
    op.create_table('search_facet_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('combination', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_facet_keys')),
    sa.UniqueConstraint('combination', name=op.f('uq_search_facet_keys_combination'))
    )
    op.create_table('search_terms',
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('facet_key', sa.Integer(), nullable=False),
    sa.Column('tsv', TSVECTOR, nullable=True),
    sa.ForeignKeyConstraint(['opinion_id'], ['search_entries.opinion_id'],
                            name=op.f('fk_search_terms_opinion_id_search_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['facet_key'], ['search_facet_keys.id'],
                            name=op.f('fk_search_terms_facet_key_search_facet_keys')),
    sa.PrimaryKeyConstraint('opinion_id', name=op.f('pk_search_terms'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"INSERT INTO search_facet_keys (combination) SELECT DISTINCT {COMBINATION} FROM search_entries")  # noqa: S608
        op.execute("INSERT INTO search_terms (opinion_id, case_id, issued_on, facet_key, tsv) "  # noqa: S608 (names only)
                   "SELECT e.opinion_id, e.case_id, e.issued_on, k.id, e.tsv FROM search_entries e "
                   f"JOIN search_facet_keys k ON k.combination = {COMBINATION}")
        op.create_index('ix_search_terms_tsv', 'search_terms', ['tsv'], postgresql_using='gin')
        op.drop_index('ix_search_entries_tsv', table_name='search_entries')
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_column('tsv')


def downgrade():
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tsv', TSVECTOR, nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE search_entries e SET tsv = t.tsv FROM search_terms t WHERE t.opinion_id = e.opinion_id")
        op.create_index('ix_search_entries_tsv', 'search_entries', ['tsv'], postgresql_using='gin')
        op.drop_index('ix_search_terms_tsv', table_name='search_terms')
    op.drop_table('search_terms')
    op.drop_table('search_facet_keys')
