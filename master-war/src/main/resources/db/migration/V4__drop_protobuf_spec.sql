-- Every row has its spec_json now (V3): the protobuf copy goes.
ALTER TABLE jobs DROP COLUMN spec;
ALTER TABLE jobs ALTER COLUMN spec_json SET NOT NULL;
