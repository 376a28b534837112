-- Which sender holds each pending outbox row, so two senders never take the same row: the
-- leader and an old one that has not yet noticed it lost the lead (issue 19). On SQLite one
-- process sends at a time: the claims keep both engines alike, and a start frees them.
-- A worker's name (runtime.worker); NULL: nobody's, free to claim.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
-- When it was claimed (UTC, as every instant is stored).
ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
