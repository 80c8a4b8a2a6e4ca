"""dashboard speed: a data version stamp for the supervision figures' cache, changed by triggers in
the same transaction as any write to the tables the figures read; composite indexes for the
consultation-side figures

Revision ID: 0011_dashboard_speed
Revises: 0009_authenticity
Create Date: 2026-12-05 16:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011_dashboard_speed'
down_revision = '0010_storage'
branch_labels = None
depends_on = None

# Every table a dashboard figure reads (app/supervision/figure_cache.py keeps the same list).
WATCHED = ('cases', 'consultations', 'panel_members', 'escalations', 'expert_ratings', 'opinions', 'opinion_feedback',
           'supervision_notices', 'experts')
INDEXES = (
    # the consultations in scope: read in case order from one index (no table visit), each case's
    # region, category, agency and registration time from another (not from the wide table rows)
    ('consultations', 'ix_consultations_case_status', ['case_id', 'status', 'created_at', 'office_id']),
    ('cases', 'ix_cases_scope', ['id', 'region_code', 'category', 'handling_org_id', 'created_at']),
    # issued opinions of a consultation (turnaround, adoption) and the latest feedback of each
    ('opinions', 'ix_opinions_consultation_issued', ['consultation_id', 'issued_at', 'supersedes_id']),
    ('opinion_feedback', 'ix_opinion_feedback_opinion_id_id', ['opinion_id', 'id']),
    # seats and ratings of each consultation in scope (workload), escalations, without table visits
    ('panel_members', 'ix_panel_members_consultation_seat', ['consultation_id', 'expert_id', 'role', 'status']),
    ('expert_ratings', 'ix_expert_ratings_consultation_score', ['consultation_id', 'expert_id', 'score']),
    ('escalations', 'ix_escalations_consultation_tier', ['consultation_id', 'to_tier']),
)


def upgrade():
    op.create_table('supervision_data_version',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('stamp', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_data_version')))
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("INSERT INTO supervision_data_version (id, stamp) VALUES (1, (random() * 9e18)::bigint)")
        # Deferred to commit (constraint trigger): the version row is the last lock a writer takes,
        # held only while it commits, so it cannot take part in a deadlock; bumped once per transaction.
        op.execute("""
            CREATE FUNCTION supervision_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('supervision.bumped', true) IS DISTINCT FROM '1' THEN
                    UPDATE supervision_data_version SET stamp = (random() * 9e18)::bigint WHERE id = 1;
                    PERFORM set_config('supervision.bumped', '1', true);
                END IF;
                RETURN NULL;
            END $$""")
        for table in WATCHED:
            op.execute(f"""CREATE CONSTRAINT TRIGGER tr_{table}_supervision_version
                           AFTER INSERT OR UPDATE OR DELETE ON {table}
                           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                           EXECUTE FUNCTION supervision_bump_version()""")
    else:
        # SQLite has one writer at a time: a plain row trigger changes the stamp inside the write.
        op.execute("INSERT INTO supervision_data_version (id, stamp) VALUES (1, random())")
        for table in WATCHED:
            for event in ('INSERT', 'UPDATE', 'DELETE'):
                op.execute(f"""CREATE TRIGGER tr_{table}_{event.lower()}_supervision_version
                               AFTER {event} ON {table} FOR EACH ROW
                               BEGIN UPDATE supervision_data_version SET stamp = random() WHERE id = 1; END""")  # noqa: S608


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_supervision_version ON {table}")
        op.execute("DROP FUNCTION IF EXISTS supervision_bump_version()")
    else:
        for table in WATCHED:
            for event in ('insert', 'update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS tr_{table}_{event}_supervision_version")
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table('supervision_data_version')
