-- The other records an auditor relies on are append-only like the log: the gaps the seal proved
-- (a removed gap would turn a proven hole into an unexplained one, or hide a removed event), the
-- log of who read personal data and why (LGPD art. 37: the record of each processing), and the
-- seal checkpoints, which refused UPDATE and DELETE already and now TRUNCATE too.
CREATE TRIGGER position_gaps_append_only BEFORE UPDATE OR DELETE ON position_gaps
    FOR EACH ROW EXECUTE FUNCTION autos_reject_change();
CREATE TRIGGER position_gaps_no_truncate BEFORE TRUNCATE ON position_gaps
    FOR EACH STATEMENT EXECUTE FUNCTION autos_reject_change();
CREATE TRIGGER personal_data_reads_append_only BEFORE UPDATE OR DELETE ON personal_data_reads
    FOR EACH ROW EXECUTE FUNCTION autos_reject_change();
CREATE TRIGGER personal_data_reads_no_truncate BEFORE TRUNCATE ON personal_data_reads
    FOR EACH STATEMENT EXECUTE FUNCTION autos_reject_change();
CREATE TRIGGER seal_checkpoints_no_truncate BEFORE TRUNCATE ON seal_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION autos_reject_change();
