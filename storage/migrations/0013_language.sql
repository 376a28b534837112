-- The language each member reads peercircle in, and the region whose crisis lines they see.

-- A shipped language id (bot.i18n.languages); NULL reads as members.default_language.
ALTER TABLE members ADD COLUMN language TEXT;
-- One of the operator's [safety.crisis_resources_by_region] names; NULL: by language.
ALTER TABLE members ADD COLUMN region TEXT;
