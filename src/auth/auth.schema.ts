import { dictionary } from "@zxcvbn-ts/language-common";
import { z } from "zod";

const COMMON_PASSWORDS = new Set(dictionary["passwords-common"]);

/** Trimmed and lower-cased: the form in which emails are unique. */
export const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address." }).max(254));

/**
 * A new password: 8 to 256 characters (counted as characters, not bytes), not one of the ~50,000
 * most common passwords, and no composition rules (NIST SP 800-63B).
 */
export const newPassword = z
  .string()
  .refine((p) => characters(p) >= 8, { error: "Use at least 8 characters." })
  .refine((p) => characters(p) <= 256, { error: "Use at most 256 characters." })
  .refine((p) => !COMMON_PASSWORDS.has(p.normalize("NFC").toLowerCase()), {
    error: "This password is too common. Choose another.",
  });

/** At login: no rules beyond a sane size, so an old password can still be checked. */
export const currentPassword = z.string().min(1).max(1024);

export const token = z.string().min(16).max(200);

export const registerBody = z.strictObject({
  organisationName: z.string().trim().min(1).max(200),
  email,
  password: newPassword,
});

export const confirmBody = z.strictObject({ token });

export const loginBody = z.strictObject({ email, password: currentPassword });

export const changePasswordBody = z.strictObject({
  currentPassword,
  newPassword,
});

export const switchOrganisationBody = z.strictObject({ organisationId: z.uuid() });

export const sessionIdParam = z.strictObject({ id: z.uuid() });

export const revokeAllBody = z.strictObject({ includeCurrent: z.boolean().default(false) });

export const passwordResetBody = z.strictObject({ email });

export const passwordResetConfirmBody = z.strictObject({ token, newPassword });

/**
 * Characters as stored: counted after NFC, like the hash sees them, so that "ã" sent decomposed
 * (a + combining tilde, as macOS may send it) counts once, not twice.
 */
function characters(password: string): number {
  return [...password.normalize("NFC")].length;
}
