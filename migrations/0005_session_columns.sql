-- A user may update their own sessions in every organisation (to revoke them), through the
-- sessions_user_update policy, whose WITH CHECK can only test user_id. Column privileges close
-- the rest: the runtime role may change only when a session was last seen and whether it is
-- revoked, never its organisation, user or expiry.
REVOKE UPDATE ON "sessions" FROM gallo_app;--> statement-breakpoint
GRANT UPDATE ("last_seen_at", "revoked_at") ON "sessions" TO gallo_app;
