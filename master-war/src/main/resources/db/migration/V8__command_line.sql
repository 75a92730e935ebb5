-- The command and its arguments as one lower-case line (JobQuery.commandLine), for the console's
-- and the API's text filter: the spec's JSON also holds env values and stdin, which a search must
-- not reach. V9 fills it for the jobs stored before.
ALTER TABLE jobs ADD COLUMN command_line VARCHAR(1000);
