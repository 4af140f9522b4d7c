-- PostgreSQL's 0004 moves the provenance of autos_append() to each row, so that one append can
-- carry several commands. SQLite appends with plain INSERT statements that already bind the
-- provenance per row: nothing changes here; the file keeps the version numbers of both
-- backends in step.
SELECT 1;
