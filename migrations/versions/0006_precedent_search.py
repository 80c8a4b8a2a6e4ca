"""precedent search: anonymized opinion texts fixed at issue time; PostgreSQL full-text entries

Revision ID: 0006_precedent_search
Revises: 0005_auth_sessions
Create Date: 2026-12-05 12:00:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0006_precedent_search'
down_revision = '0005_auth_sessions'
branch_labels = None
depends_on = None

# On PostgreSQL the multi-valued filters are text arrays (GIN-indexed, matched with @>); elsewhere,
# where the table stays empty, JSON text.
TEXT_ARRAY = sa.Text().with_variant(postgresql.ARRAY(sa.Text()), 'postgresql')
INDEXED = ('case_id', 'category', 'tier', 'province_code', 'city_code', 'region_code', 'year', 'issued_on', 'conclusion')
GIN_INDEXED = ('tsv', 'laws', 'recommendations')


def upgrade():
    op.create_table('opinion_search_texts',
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('sections', sa.Text(), nullable=False),
    sa.Column('full_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opinion_id'], ['opinions.id'], name=op.f('fk_opinion_search_texts_opinion_id_opinions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opinion_id', name=op.f('pk_opinion_search_texts'))
    )
    op.create_table('search_entries',
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('tier', sa.String(length=20), nullable=False),
    sa.Column('province_code', sa.String(length=6), nullable=False),
    sa.Column('city_code', sa.String(length=6), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('conclusion', sa.String(length=40), nullable=False),
    sa.Column('recommendations', TEXT_ARRAY, nullable=False),
    sa.Column('laws', TEXT_ARRAY, nullable=False),
    sa.Column('cross_flags', TEXT_ARRAY, nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('units', sa.Text(), nullable=False),
    sa.Column('tsv', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.Column('rank_tsv', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['opinion_id'], ['opinions.id'], name=op.f('fk_search_entries_opinion_id_opinions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('opinion_id', name=op.f('pk_search_entries'))
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        for column in INDEXED:
            batch_op.create_index(batch_op.f(f'ix_search_entries_{column}'), [column], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for column in GIN_INDEXED:
            op.create_index(f'ix_search_entries_{column}', 'search_entries', [column], postgresql_using='gin')
        # Searches read ``units`` (phrase checks) and ``rank_tsv`` (ranking) of their candidates:
        # lz4 decompresses several times faster than the default pglz (where the server has it).
        if op.get_bind().exec_driver_sql("SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' "
                                         "AND 'lz4' = ANY(enumvals)").scalar():
            for column in ('units', 'tsv', 'rank_tsv'):
                op.execute(f'ALTER TABLE search_entries ALTER COLUMN {column} SET COMPRESSION lz4')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for column in GIN_INDEXED:
            op.drop_index(f'ix_search_entries_{column}', table_name='search_entries')
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        for column in INDEXED:
            batch_op.drop_index(batch_op.f(f'ix_search_entries_{column}'))
    op.drop_table('search_entries')
    op.drop_table('opinion_search_texts')
