/**
 * The dev outbox: where email goes in local dev and tests instead of a provider. A Durable Object
 * keeps the last messages; GET /dev/outbox shows them. Both exist only when DEV_OUTBOX is "on",
 * which `npm run dev` and the tests set and production never does.
 */
import { DurableObject } from "cloudflare:workers";
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError } from "../lib/errors.ts";
import type { Email } from "./email.ts";

export type StoredEmail = Email & { sentAt: string };

const KEEP = 200;

export class DevOutbox extends DurableObject {
  async add(email: StoredEmail): Promise<void> {
    const list = (await this.ctx.storage.get<StoredEmail[]>("emails")) ?? [];
    list.push(email);
    await this.ctx.storage.put("emails", list.slice(-KEEP));
  }

  async list(): Promise<StoredEmail[]> {
    return (await this.ctx.storage.get<StoredEmail[]>("emails")) ?? [];
  }
}

export const devOutboxRoutes = new Hono<AppEnv>();

/** Newest first; `?to=` filters by recipient. */
devOutboxRoutes.get("/", async (c) => {
  if (c.env.DEV_OUTBOX !== "on") throw new AppError("NOT_FOUND");
  const box = c.env.DEV_OUTBOX_STORE.get(c.env.DEV_OUTBOX_STORE.idFromName("outbox"));
  const to = c.req.query("to")?.trim().toLowerCase();
  const emails = (await box.list()).filter((e) => !to || e.to === to).reverse();
  return c.json({ data: emails });
});
