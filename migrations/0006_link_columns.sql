-- Email-link rows (sign-up, password reset, invitation) are reached by claiming their token
-- hash. The token policies may only test that hash, so with a claim alone a transaction could
-- otherwise rewrite any column of its row (extend an expiry, turn an invitation into an owner's)
-- or insert an invitation into any organisation. Column privileges close the first; the next
-- migration drops the invitations' token insert policy for the second.
REVOKE UPDATE ON "invitations" FROM gallo_app;--> statement-breakpoint
GRANT UPDATE ("accepted_at", "revoked_at") ON "invitations" TO gallo_app;--> statement-breakpoint
REVOKE UPDATE ON "pending_registrations" FROM gallo_app;--> statement-breakpoint
GRANT UPDATE ("completed_at") ON "pending_registrations" TO gallo_app;--> statement-breakpoint
REVOKE UPDATE ON "password_resets" FROM gallo_app;--> statement-breakpoint
GRANT UPDATE ("used_at") ON "password_resets" TO gallo_app;
