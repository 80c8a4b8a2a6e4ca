"""authenticity: office signing certificates (keys stay in files), office seals, the signature
record (verification code) of each issued opinion, rate counters of the public verification

Revision ID: 0009_authenticity
Revises: 0006_precedent_search
Create Date: 2026-12-05 13:00:00

"""
import sqlalchemy as sa
from alembic import op


revision = '0009_authenticity'
down_revision = '0006_precedent_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signing_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('not_after', sa.DateTime(), nullable=False),
    sa.Column('cert_der', sa.LargeBinary(), nullable=False),
    sa.Column('chain_pem', sa.Text(), nullable=False),
    sa.Column('key_file', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_signing_certificates_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_certificates')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_signing_certificates_fingerprint'))
    )
    with op.batch_alter_table('signing_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_certificates_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signing_certificates_status'), ['status'], unique=False)
    op.create_table('office_seals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                            name=op.f('fk_office_seals_organization_id_organizations')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_office_seals_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_seals'))
    )
    with op.batch_alter_table('office_seals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_office_seals_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_office_seals_active'), ['active'], unique=False)
    op.create_table('issued_signatures',
    sa.Column('opinion_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('seal_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['opinion_id'], ['opinions.id'], name=op.f('fk_issued_signatures_opinion_id_opinions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['certificate_id'], ['signing_certificates.id'],
                            name=op.f('fk_issued_signatures_certificate_id_signing_certificates')),
    sa.ForeignKeyConstraint(['seal_id'], ['office_seals.id'], name=op.f('fk_issued_signatures_seal_id_office_seals')),
    sa.PrimaryKeyConstraint('opinion_id', name=op.f('pk_issued_signatures')),
    sa.UniqueConstraint('code', name=op.f('uq_issued_signatures_code'))
    )
    with op.batch_alter_table('issued_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_signatures_certificate_id'), ['certificate_id'], unique=False)
    op.create_table('rate_counters',
    sa.Column('bucket', sa.String(length=120), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('bucket', 'period', name=op.f('pk_rate_counters'))
    )
    op.create_index('ix_rate_counters_period', 'rate_counters', ['period'], unique=False)
    # Verification looks an uploaded file up by its SHA-256.
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opinions_pdf_sha256'), ['pdf_sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opinions_pdf_sha256'))
    op.drop_index('ix_rate_counters_period', table_name='rate_counters')
    op.drop_table('rate_counters')
    op.drop_table('issued_signatures')
    op.drop_table('office_seals')
    op.drop_table('signing_certificates')
