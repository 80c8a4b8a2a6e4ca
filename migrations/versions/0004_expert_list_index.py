"""expert list index: (tier, region_code, id) replaces the single-column tier index

Revision ID: 0004_expert_list_index
Revises: 0003_opinions
Create Date: 2026-11-28 09:20:00

"""
from alembic import op

revision = '0004_expert_list_index'
down_revision = '0003_opinions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.create_index('ix_experts_tier_region_code_id', ['tier', 'region_code', 'id'], unique=False)
        batch_op.drop_index('ix_experts_tier')


def downgrade():
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.create_index('ix_experts_tier', ['tier'], unique=False)
        batch_op.drop_index('ix_experts_tier_region_code_id')
