-- PostgreSQL's 0005 replaces autos_append() by a plain INSERT and a position-drawing function.
-- SQLite already appends with one plain INSERT: nothing changes here; the file keeps the
-- version numbers of both backends in step.
SELECT 1;
