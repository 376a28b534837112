-- Which sender holds each pending outbox row, so two senders never take the same row: the
-- leader and an old one that has not yet noticed it lost the lead (issue 19). SQLite has one
-- process, so its claims are only ever this process's; they keep both engines alike.
-- A worker's name (runtime.worker); NULL: nobody's, free to claim.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
-- When it was claimed (UTC, as every instant is stored).
ALTER TABLE outbox ADD COLUMN claimed_at TEXT;
