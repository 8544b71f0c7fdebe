import { z } from "zod";
import { isTimeZone } from "../lib/dates.ts";
import { DISPLAY_LOCALES } from "../lib/display-locale.ts";

/**
 * The organisation's settings an owner or admin may change; nothing else can be sent, and at
 * least one of them must be.
 */
export const settingsBody = z
  .strictObject({
    requireTwoFactor: z.boolean().optional(),
    name: z.string().trim().min(1).max(200).optional(),
    /** Default region of phone numbers and tax ids. */
    region: z.enum(["BR", "PT"]).optional(),
    locale: z.enum(DISPLAY_LOCALES).optional(),
    timezone: z
      .string()
      .refine(isTimeZone, { error: "Use an IANA time zone such as America/Sao_Paulo." })
      .optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { error: "Send at least one setting." });
