from local import migrate, postgres


def test_second_run_applies_nothing(database):
    with postgres.connect(database) as conn:
        migrate.apply_shim(conn)
        assert migrate.apply_migrations(conn) == []


def test_every_migration_is_recorded(database):
    with postgres.connect(database) as conn:
        versions = [row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations order by 1")]
    assert versions == [path.stem.partition("_")[0] for path in migrate.migration_files()]


def test_shim_provides_roles_and_helpers(database):
    with postgres.connect(database) as conn:
        roles = {
            row[0]: row[1]
            for row in conn.execute(
                "select rolname, rolbypassrls from pg_roles where rolname in ('anon','authenticated','service_role','authenticator')"
            )
        }
        assert roles == {"anon": False, "authenticated": False, "service_role": True, "authenticator": False}
        row = conn.execute("select storage.foldername('u1/a/b.pdf'), storage.filename('u1/a/b.pdf'), storage.extension('u1/a/b.pdf')").fetchone()
        assert row == (["u1", "a"], "b.pdf", "pdf")
