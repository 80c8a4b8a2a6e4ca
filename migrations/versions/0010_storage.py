"""storage: stored files in the database (STORAGE_BACKEND=database) and the shared secrets of
the app servers

Revision ID: 0010_storage
Revises: 0009_authenticity
Create Date: 2026-12-05 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010_storage'
down_revision = '0009_authenticity'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_chunks',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'seq', name=op.f('pk_stored_chunks'))
    )
    op.create_table('app_secrets',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_app_secrets'))
    )


def downgrade():
    op.drop_table('app_secrets')
    op.drop_table('stored_chunks')
