-- Who made a stored graph: the agent pushed it ('agent'), or the hub rebuilt it from the events it holds because
-- none arrived (a graph over the request limit, an agent that lost its graph file). An agent's graph replaces
-- a rebuilt one.
ALTER TABLE graphs ADD COLUMN source text NOT NULL DEFAULT 'agent' CHECK (source IN ('agent', 'hub'));
