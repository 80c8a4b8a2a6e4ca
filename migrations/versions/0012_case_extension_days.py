"""case extension days (issue 10): the approved extension of the handling deadline is stored
(``cases.extension_days``) instead of being inferred from ``due_date - accepted_on - 60``, so the
due date can be computed from the configurable deadline rules

Revision ID: 0012_case_extension_days
Revises: 0011_dashboard_speed
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_case_extension_days'
down_revision = '0011_dashboard_speed'
branch_labels = None
depends_on = None

# Until now every due date was accepted_on + 60 calendar days + the extension: what lies beyond
# the 60 days is the extension (never negative: a hand-shortened deadline is no extension).
FILL = {
    'postgresql': "UPDATE cases SET extension_days = GREATEST(due_date - accepted_on - 60, 0) "
                  "WHERE due_date IS NOT NULL AND accepted_on IS NOT NULL",
    'sqlite': "UPDATE cases SET extension_days = MAX(CAST(julianday(due_date) - julianday(accepted_on) AS INTEGER) - 60, 0) "
              "WHERE due_date IS NOT NULL AND accepted_on IS NOT NULL",
}


def upgrade():
    # Adding a column with a default is a plain ALTER TABLE on both databases (no table rebuild).
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_days', sa.Integer(), nullable=False, server_default='0'))
    op.execute(FILL[op.get_bind().dialect.name])


def downgrade():
    bind = op.get_bind()
    # On SQLite dropping a column rebuilds the table, and a rebuilt table has lost its triggers
    # (0011_dashboard_speed's figure-cache stamps): keep their SQL and create them again.
    sqlite = bind.dialect.name == 'sqlite'
    triggers = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'").all() if sqlite else []
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('extension_days')
    if triggers:
        present = {name for (name,) in bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'")}
        for name, sql in triggers:
            if name not in present:
                op.execute(sql)
