CREATE TABLE "files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"record_type" text NOT NULL,
	"record_id" uuid NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"object_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "files_org_id_key" UNIQUE("org_id","id"),
	CONSTRAINT "files_object_key_key" UNIQUE("object_key"),
	CONSTRAINT "files_status_known" CHECK ("files"."status" in ('pending', 'ready')),
	CONSTRAINT "files_size_positive" CHECK ("files"."size" > 0),
	CONSTRAINT "files_object_key_in_org" CHECK ("files"."object_key" = "files"."org_id"::text || '/' || "files"."id"::text)
);
--> statement-breakpoint
ALTER TABLE "files" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "files" ADD CONSTRAINT "files_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "files_org_record_idx" ON "files" USING btree ("org_id","record_type","record_id","created_at");--> statement-breakpoint
CREATE POLICY "files_tenant_select" ON "files" AS PERMISSIVE FOR SELECT TO public USING ("org_id" = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "files_tenant_insert" ON "files" AS PERMISSIVE FOR INSERT TO public WITH CHECK ("org_id" = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "files_tenant_update" ON "files" AS PERMISSIVE FOR UPDATE TO public USING ("org_id" = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK ("org_id" = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "files_tenant_delete" ON "files" AS PERMISSIVE FOR DELETE TO public USING ("org_id" = nullif(current_setting('app.org_id', true), '')::uuid);