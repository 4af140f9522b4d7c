-- The role the application's connections work as (store/src/postgres.rs takes it on every
-- connection it hands out, after the migrations ran as the database owner). It reads the log and
-- appends to it, reads and writes its own working tables, and can change or remove nothing that
-- was appended — not by UPDATE, DELETE or TRUNCATE, not by altering a table or dropping one of its
-- triggers, which only the owner may do. `autos restore` grants the same again (pg_restore runs
-- with --no-privileges). The owner needs CREATEROLE once, or the role created beforehand.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'autos_app') THEN
        BEGIN
            CREATE ROLE autos_app NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created meanwhile by the migration of another database of the cluster
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'autos_app', 'MEMBER') THEN
        EXECUTE format('GRANT autos_app TO %I', current_user);
    END IF;
END $$;

GRANT SELECT, INSERT ON events, seal_checkpoints, position_gaps, tree_heads, personal_data_reads TO autos_app;
GRANT SELECT, INSERT, UPDATE ON subject_keys TO autos_app;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON officers, idempotent_responses, read_model_docs, projection_generations, projection_leases,
       store_epoch, store_probe
    TO autos_app;
-- Positions are drawn with nextval and setval (autos_draw_positions, migration 0005).
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO autos_app;
