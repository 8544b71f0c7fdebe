import { z } from "zod";

/** The organisation's settings an owner or admin may change; nothing else can be sent. */
export const settingsBody = z.strictObject({ requireTwoFactor: z.boolean() });
