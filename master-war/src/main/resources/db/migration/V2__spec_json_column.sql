-- The job's spec in the store's own format (a versioned JSON document, see SpecFormat), so that a
-- change to the wire contract is no change to the database. V3 fills it from the old column.
ALTER TABLE jobs ADD COLUMN spec_json TEXT;
