/**
 * Sending email through one small interface. In production an HTTP email API (Resend's, or any
 * API of the same shape at EMAIL_API_URL) with EMAIL_API_KEY; in local dev and tests, the dev
 * outbox, which a developer reads at /dev/outbox. With neither configured, nothing is sent and a
 * warning says so (without the message body, which may hold a secret link).
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { AppError } from "../lib/errors.ts";

export type Email = { to: string; subject: string; text: string };

const DEFAULT_API_URL = "https://api.resend.com/emails";

export async function sendEmail(c: Context<AppEnv>, email: Email): Promise<void> {
  const env = c.env;
  const logger = c.get("logger");

  if (env.EMAIL_API_KEY) {
    const response = await fetch(env.EMAIL_API_URL || DEFAULT_API_URL, {
      method: "POST",
      headers: {
        authorization: `Bearer ${env.EMAIL_API_KEY}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        from: env.EMAIL_FROM,
        to: [email.to],
        subject: email.subject,
        text: email.text,
      }),
    });
    if (!response.ok) {
      logger.error("email provider refused a message", {
        status: response.status,
        subject: email.subject,
      });
      throw new AppError("EMAIL_UNAVAILABLE");
    }
    return;
  }

  if (env.DEV_OUTBOX === "on") {
    const box = env.DEV_OUTBOX_STORE.get(env.DEV_OUTBOX_STORE.idFromName("outbox"));
    await box.add({ ...email, sentAt: new Date().toISOString() });
    logger.info("email written to the dev outbox (GET /dev/outbox)", {
      to: email.to,
      subject: email.subject,
    });
    return;
  }

  logger.warn("email not sent: no EMAIL_API_KEY configured", { subject: email.subject });
}
