import { z } from "zod";

/** Trimmed and lower-cased: the form in which emails are unique. */
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }).max(254));

export const password = z
  .string()
  .min(8, { error: "Use at least 8 characters." })
  .max(256, { error: "Use at most 256 characters." });

export const registerBody = z.strictObject({
  organisationName: z.string().trim().min(1).max(200),
  email,
  password,
});

export const loginBody = z.strictObject({
  email,
  // No length rules at login: an old password must still be checkable.
  password: z.string().min(1).max(1024),
});
