-- /stats reads check-ins by date across all members: a covering index keeps those reads to
-- the days asked for (3 million check-ins: 14.6 s for /stats before, see bench/RESULTS.md).
CREATE INDEX checkins_by_date ON checkins (local_date, user_id, mood, confidence);
-- The same for goal answers of the last 30 days.
CREATE INDEX goal_entries_by_date ON goal_entries (local_date, goal_id, outcome);
