-- PostgreSQL's spelling of storage/migrations/0009_stats_index.sql (0010 replaces the first).
CREATE INDEX checkins_by_date ON checkins (local_date, user_id, mood, confidence);
CREATE INDEX goal_entries_by_date ON goal_entries (local_date, goal_id, outcome);
