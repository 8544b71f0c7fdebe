/** Contacts: the first tenant-owned CRM record (the CRM issue grows it into people). */
import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { organisations } from "./accounts.ts";
import { createdAt, updatedAt } from "./columns.ts";
import { tenantPolicies } from "./tenancy.ts";

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey(),
    orgId: uuid("org_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull().default(""),
    email: text("email"),
    phone: text("phone"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("contacts_org_id_idx").on(t.orgId, t.id), ...tenantPolicies("contacts")],
);
