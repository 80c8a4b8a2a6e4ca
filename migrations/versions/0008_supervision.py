"""supervision: extension requests, supervision notices (督办单), alerts sent once per threshold

Revision ID: 0008_supervision
Revises: 0007_corrections
Create Date: 2026-12-05 12:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0008_supervision'
down_revision = '0007_corrections'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_extension_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('due_before', sa.Date(), nullable=True),
    sa.Column('due_after', sa.Date(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_extension_requests_case_id_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_case_extension_requests_requested_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_extension_requests_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_extension_requests'))
    )
    with op.batch_alter_table('case_extension_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_extension_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_extension_requests_status'), ['status'], unique=False)

    op.create_table('supervision_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('number_year', sa.Integer(), nullable=False),
    sa.Column('number_seq', sa.Integer(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('reply_text', sa.Text(), nullable=True),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_supervision_notices_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['office_id'], ['organizations.id'], name=op.f('fk_supervision_notices_office_id_organizations')),
    sa.ForeignKeyConstraint(['agency_id'], ['organizations.id'], name=op.f('fk_supervision_notices_agency_id_organizations')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_supervision_notices_issued_by_id_users')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_supervision_notices_replied_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_notices')),
    sa.UniqueConstraint('number', name=op.f('uq_supervision_notices_number'))
    )
    with op.batch_alter_table('supervision_notices', schema=None) as batch_op:
        for column in ('case_id', 'office_id', 'agency_id', 'due_on', 'status'):
            batch_op.create_index(batch_op.f(f'ix_supervision_notices_{column}'), [column], unique=False)

    op.create_table('supervision_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.String(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('run_on', sa.Date(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_alerts')),
    sa.UniqueConstraint('kind', 'item_id', 'threshold', 'due_on', name='uq_supervision_alerts_item')
    )
    # The dashboards read every case figure in one grouped pass: this index covers it (no table
    # access, groups in index order); consultations by status with their request time likewise.
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_supervision', ['status', 'is_backlog', 'category', 'region_code', 'due_date',
                                                       'accepted_on', 'created_at', 'handling_org_id'], unique=False)
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index('ix_consultations_status_created', ['status', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index('ix_consultations_status_created')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_supervision')
    op.drop_table('supervision_alerts')
    op.drop_table('supervision_notices')
    op.drop_table('case_extension_requests')
