-- Hand-written part of the CRM migration: FORCE RLS and grants for the CRM tables, then the data
-- carried over from the first schema (contacts become people; every organisation gets a pipeline).

ALTER TABLE "companies" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "people" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "pipelines" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "stages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "deals" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "deal_people" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "deal_stage_history" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tasks" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tags" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "custom_fields" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "timeline_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

GRANT SELECT, INSERT, UPDATE, DELETE ON "companies", "people", "pipelines", "stages", "deals",
  "deal_people", "tasks", "notes", "tags", "custom_fields" TO gallo_app;--> statement-breakpoint
-- History is written, never rewritten: no UPDATE or DELETE (rows go with their record's purge,
-- by the cascading foreign key, which the owner performs).
GRANT SELECT, INSERT ON "deal_stage_history", "timeline_events" TO gallo_app;--> statement-breakpoint

-- Contacts of the first schema become people (the contacts table is dropped by the next migration).
INSERT INTO "people" (id, org_id, first_name, last_name, emails, phones, created_at, updated_at)
SELECT id, org_id, first_name, last_name,
       CASE WHEN email IS NULL THEN '{}'::text[] ELSE ARRAY[email] END,
       CASE WHEN phone IS NULL THEN '{}'::text[] ELSE ARRAY[phone] END,
       created_at, updated_at
  FROM "contacts";--> statement-breakpoint

-- Every existing organisation gets the default pipeline (new ones get it at sign-up, in their
-- language, from the application).
WITH p AS (
  INSERT INTO "pipelines" (id, org_id, name, position, is_default)
  SELECT gen_random_uuid(), o.id, 'Vendas', 0, true FROM "organisations" o
  RETURNING id, org_id
)
INSERT INTO "stages" (id, org_id, pipeline_id, name, position, kind, probability)
SELECT gen_random_uuid(), p.org_id, p.id, s.name, s.position, s.kind, s.probability
  FROM p CROSS JOIN (VALUES
    ('Qualificação', 0, 'open', 10),
    ('Contato feito', 1, 'open', 20),
    ('Proposta enviada', 2, 'open', 50),
    ('Negociação', 3, 'open', 70),
    ('Ganho', 4, 'won', 100),
    ('Perdido', 5, 'lost', 0)
  ) AS s(name, position, kind, probability);
