"""corrections (issue 9): per-office 发文机关标志 on issued opinions (off by default)

Revision ID: 0007_corrections
Revises: 0006_precedent_search
Create Date: 2026-12-05 12:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0007_corrections'
down_revision = '0006_precedent_search'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('print_issuer_mark', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('issuer_mark', sa.String(length=60), nullable=True))


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('issuer_mark')
        batch_op.drop_column('print_issuer_mark')
