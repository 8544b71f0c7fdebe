DROP POLICY "contacts_tenant_select" ON "contacts" CASCADE;--> statement-breakpoint
DROP POLICY "contacts_tenant_insert" ON "contacts" CASCADE;--> statement-breakpoint
DROP POLICY "contacts_tenant_update" ON "contacts" CASCADE;--> statement-breakpoint
DROP POLICY "contacts_tenant_delete" ON "contacts" CASCADE;--> statement-breakpoint
DROP TABLE "contacts" CASCADE;