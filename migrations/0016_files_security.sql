-- Hand-written part of the files migration: FORCE RLS (the table owner is held to the tenant
-- policies too) and the runtime role's grants. No DELETE: a deleted file keeps its row with
-- deleted_at set (its object is removed at once); rows go with the organisation, by the owner.

ALTER TABLE "files" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

GRANT SELECT, INSERT, UPDATE ON "files" TO gallo_app;
