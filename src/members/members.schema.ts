/** Request schemas of members and invitations. All strict: no org_id or flag can ride along. */
import { z } from "zod";
import { ROLES } from "../../drizzle/schema.ts";
import { currentPassword, email, token } from "../auth/auth.schema.ts";

export const role = z.enum(ROLES);

export const memberIdParam = z.strictObject({ userId: z.uuid() });

export const changeRoleBody = z.strictObject({ role });

export const transferOwnershipBody = z.strictObject({ userId: z.uuid() });

export const inviteBody = z.strictObject({ email, role });

export const invitationIdParam = z.strictObject({ id: z.uuid() });

/**
 * `password` is the new account's password when no account has the invited email (checked
 * against the new-password rules then), or the existing account's password otherwise.
 */
export const acceptInvitationBody = z.strictObject({ token, password: currentPassword.optional() });
