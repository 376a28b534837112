-- A stand-in: number 0012 is reserved for another branch of issue 15. Migrations must be
-- numbered without gaps, so this empty one lets 0013 load until that branch lands; it is
-- then replaced by the real 0012 (two files numbered 0012 stop start-up, loudly).
SELECT 1;
