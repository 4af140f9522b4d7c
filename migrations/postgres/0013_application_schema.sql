-- The application role works in the schema the migrations ran in, which need not be `public`: a
-- deployment may give its own schema in the URL's search_path (`?options=-c search_path=autos`).
-- The role then needs USAGE on that schema, and on its sequences the grants 0011 gave only in
-- `public`. Run again by `autos restore` with the grants of 0011 and 0012.
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO autos_app', current_schema());
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO autos_app', current_schema());
END $$;
