-- Reserved: the "erasure" slice of issue 20 ships its own 0015; this placeholder only keeps
-- the numbering whole on the "trust" branch and goes at the merge.
SELECT 1;
