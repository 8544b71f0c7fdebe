-- Hand-written: what drizzle-kit cannot express. Roles: the owner running this migration owns every
-- object; gallo_app (created by scripts/migrate.ts before migrations run) owns nothing and gets only
-- what is granted here.

-- FORCE: the policies bind the table owner as well (a BYPASSRLS owner still bypasses them).
ALTER TABLE "organisations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "memberships" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sessions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "contacts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

GRANT USAGE ON SCHEMA public TO gallo_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "organisations", "memberships", "sessions", "contacts" TO gallo_app;--> statement-breakpoint
-- Users are never deleted by the app itself (a later issue adds account deletion through a function).
GRANT SELECT, INSERT, UPDATE ON "users" TO gallo_app;--> statement-breakpoint

-- Opens a request: sets the tenant claims, then proves the session is live and the caller's role in
-- the organisation is at least p_min_role. Raising aborts the whole batch, so the request's own
-- statements, which follow in the same transaction, never run for a dead session or a weak role.
-- SQLSTATE GA401 = no valid session, GA403 = role too weak. Runs as the caller, under RLS.
CREATE FUNCTION gallo_begin(
  p_org uuid, p_user uuid, p_session uuid, p_min_role text, p_idle_seconds integer
) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_role text;
  v_ranks text[] := array['viewer', 'member', 'admin', 'owner'];
BEGIN
  PERFORM set_config('app.org_id', p_org::text, true);
  PERFORM set_config('app.user_id', p_user::text, true);

  SELECT m.role INTO v_role
    FROM public.sessions s
    JOIN public.memberships m ON m.org_id = s.org_id AND m.user_id = s.user_id
   WHERE s.id = p_session AND s.user_id = p_user AND s.org_id = p_org
     AND s.revoked_at IS NULL
     AND s.expires_at > now()
     AND s.last_seen_at > now() - make_interval(secs => p_idle_seconds);
  IF v_role IS NULL THEN
    RAISE EXCEPTION 'session is not valid' USING ERRCODE = 'GA401';
  END IF;

  -- Touch at most once a minute, so reads do not turn into a write per request.
  UPDATE public.sessions SET last_seen_at = now()
   WHERE id = p_session AND last_seen_at < now() - interval '1 minute';

  IF array_position(v_ranks, v_role) < array_position(v_ranks, p_min_role) THEN
    RAISE EXCEPTION 'role % may not do this', v_role USING ERRCODE = 'GA403';
  END IF;
  RETURN v_role;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_begin(uuid, uuid, uuid, text, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_begin(uuid, uuid, uuid, text, integer) TO gallo_app;--> statement-breakpoint

-- The one path that reads before any organisation is known: login by email. It returns just what a
-- password check needs, for exactly one normalised email. SECURITY DEFINER (runs as the owner, which
-- bypasses RLS) with a fixed search_path so no caller-created object can stand in for ours.
CREATE FUNCTION gallo_login_lookup(p_email text)
RETURNS TABLE (user_id uuid, password_hash text, org_id uuid)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.id, u.password_hash,
         (SELECT m.org_id FROM public.memberships m
           WHERE m.user_id = u.id ORDER BY m.created_at, m.org_id LIMIT 1)
    FROM public.users u
   WHERE u.email = lower(btrim(p_email))
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_login_lookup(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_login_lookup(text) TO gallo_app;
