import { z } from "zod";
import { currentPassword } from "../auth/auth.schema.ts";

/** Six digits as an authenticator app shows them; spaces ("123 456") are ignored. */
export const totpCode = z
  .string()
  .max(20)
  .transform((code) => code.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, { error: "Enter the 6-digit code from your app." }));

/** A recovery code as printed (`xxxx-xxxx-xxxx`); case, spaces and dashes are forgiven. */
export const recoveryCode = z
  .string()
  .max(40)
  .regex(/^[\sA-Za-z0-9-]+$/, { error: "Enter a recovery code such as k7m2-x9qp-4hfn." });

export const confirmBody = z.strictObject({ code: totpCode });

/**
 * Turning 2FA off takes the password and a second factor: a current code or, for someone who
 * lost their phone and logged in with a recovery code, an unused recovery code.
 */
export const disableBody = z
  .strictObject({
    password: currentPassword,
    code: totpCode.optional(),
    recoveryCode: recoveryCode.optional(),
  })
  .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), {
    error: "Send either a code from your app or a recovery code.",
  });

/** Regenerating recovery codes proves the user with either their password or a current code. */
export const regenerateBody = z
  .strictObject({ password: currentPassword.optional(), code: totpCode.optional() })
  .refine((b) => (b.password === undefined) !== (b.code === undefined), {
    error: "Send either your password or a current code.",
  });

/** The login challenge is answered with a code from the app or, failing that, a recovery code. */
export const verifyBody = z
  .strictObject({ code: totpCode.optional(), recoveryCode: recoveryCode.optional() })
  .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), {
    error: "Send either a code from your app or a recovery code.",
  });
