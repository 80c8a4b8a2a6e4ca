"""``flask backup --to DIR`` and ``flask restore --from DIR``: a consistent online copy of one
deployment — the database, every stored file, the signing-key material, the audit checkpoints —
with a ``manifest.json`` of SHA-256 sums, and its restore into an empty database.

A backup directory holds::

    manifest.json             format, time, database dialect and schema revision, and the size and
                              SHA-256 of every other file in the directory
    database.sqlite3          SQLite: a page-level copy made with SQLite's online backup API
    database.pgdump           PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot)
    files/<sha[:2]>/<sha>     every stored attachment (from whichever storage backend)
    pki/…                     the signing-key material as stored (keys encrypted; never the passphrase
                              from the environment)
    audit/checkpoints.jsonl   the audit chain's signed checkpoints
    secrets/audit_key         only with --with-secrets, when the audit key is a file of the instance
    secrets/pki_passphrase    only with --with-secrets, when the development fallback file is in use

Without ``--with-secrets`` (production, where ``AUDIT_KEY`` and ``PKI_PASSPHRASE`` come from the
environment) a backup holds no secret that opens the keys or signs the audit chain: restore on a
server given the same two variables.

The directory is written as ``DIR.partial-…`` and renamed when complete, so a ``DIR`` that exists
is a whole backup. Restore checks every file against the manifest (and that nothing was added)
before it touches anything, and refuses a database that already has tables.
"""
