-- The other records an auditor relies on are append-only like the log: the gaps the seal proved
-- (a removed gap would turn a proven hole into an unexplained one, or hide a removed event) and
-- the log of who read personal data and why (LGPD art. 37: the record of each processing).
-- A replacing INSERT is refused too, whatever its conflict clause (see 0009).
CREATE TRIGGER position_gaps_no_update BEFORE UPDATE ON position_gaps
BEGIN SELECT RAISE(ABORT, 'position gaps are append-only: UPDATE rejected'); END;
CREATE TRIGGER position_gaps_no_delete BEFORE DELETE ON position_gaps
BEGIN SELECT RAISE(ABORT, 'position gaps are append-only: DELETE rejected'); END;
CREATE TRIGGER position_gaps_no_replace BEFORE INSERT ON position_gaps
WHEN EXISTS (SELECT 1 FROM position_gaps WHERE from_position = NEW.from_position)
BEGIN SELECT RAISE(ABORT, 'position gaps are append-only: replacing INSERT rejected'); END;
CREATE TRIGGER personal_data_reads_no_update BEFORE UPDATE ON personal_data_reads
BEGIN SELECT RAISE(ABORT, 'personal data reads are append-only: UPDATE rejected'); END;
CREATE TRIGGER personal_data_reads_no_delete BEFORE DELETE ON personal_data_reads
BEGIN SELECT RAISE(ABORT, 'personal data reads are append-only: DELETE rejected'); END;
CREATE TRIGGER personal_data_reads_no_replace BEFORE INSERT ON personal_data_reads
WHEN EXISTS (SELECT 1 FROM personal_data_reads WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'personal data reads are append-only: replacing INSERT rejected'); END;
