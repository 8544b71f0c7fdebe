-- Hand-written part of the accounts migration: FORCE RLS and grants for the new tables, and the
-- functions the access layer calls. See 0001_security.sql for the conventions.

ALTER TABLE "user_totp" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "recovery_codes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "pending_registrations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "password_resets" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "invitations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" FORCE ROW LEVEL SECURITY;--> statement-breakpoint

GRANT SELECT, INSERT, UPDATE, DELETE ON "user_totp", "recovery_codes", "invitations" TO gallo_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON "pending_registrations", "password_resets" TO gallo_app;--> statement-breakpoint
-- Append-only: the runtime role can add entries and read its organisation's, nothing else.
GRANT SELECT, INSERT ON "audit_log" TO gallo_app;--> statement-breakpoint

-- Raises `state` unless `ok`: lets a batch abort itself (and roll back) on a condition that only
-- the database can see, e.g. a single-use token that was already consumed.
CREATE FUNCTION gallo_assert(p_ok boolean, p_state text, p_message text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF p_ok IS NOT TRUE THEN
    RAISE EXCEPTION '%', p_message USING ERRCODE = p_state;
  END IF;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_assert(boolean, text, text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_assert(boolean, text, text) TO gallo_app;--> statement-breakpoint

-- gallo_begin gains the organisation's two-factor requirement: an owner or admin of an
-- organisation that requires 2FA, without 2FA enabled, is refused (GA428) everywhere except the
-- routes that let them enrol (p_enrolling).
DROP FUNCTION gallo_begin(uuid, uuid, uuid, text, integer);--> statement-breakpoint
CREATE FUNCTION gallo_begin(
  p_org uuid, p_user uuid, p_session uuid, p_min_role text, p_idle_seconds integer,
  p_enrolling boolean DEFAULT false
) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_role text;
  v_required boolean;
  v_has_2fa boolean;
  v_ranks text[] := array['viewer', 'member', 'admin', 'owner'];
BEGIN
  PERFORM set_config('app.org_id', p_org::text, true);
  PERFORM set_config('app.user_id', p_user::text, true);

  SELECT m.role, o.require_2fa INTO v_role, v_required
    FROM public.sessions s
    JOIN public.memberships m ON m.org_id = s.org_id AND m.user_id = s.user_id
    JOIN public.organisations o ON o.id = s.org_id
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

  IF v_required AND v_role IN ('owner', 'admin') AND NOT p_enrolling THEN
    SELECT EXISTS (SELECT 1 FROM public.user_totp t WHERE t.user_id = p_user AND t.enabled_at IS NOT NULL)
      INTO v_has_2fa;
    IF NOT v_has_2fa THEN
      RAISE EXCEPTION 'two-factor authentication is required' USING ERRCODE = 'GA428';
    END IF;
  END IF;

  IF array_position(v_ranks, v_role) < array_position(v_ranks, p_min_role) THEN
    RAISE EXCEPTION 'role % may not do this', v_role USING ERRCODE = 'GA403';
  END IF;
  RETURN v_role;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_begin(uuid, uuid, uuid, text, integer, boolean) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_begin(uuid, uuid, uuid, text, integer, boolean) TO gallo_app;--> statement-breakpoint

-- Login lookup, now also saying whether the account has two-factor authentication.
DROP FUNCTION gallo_login_lookup(text);--> statement-breakpoint
CREATE FUNCTION gallo_login_lookup(p_email text)
RETURNS TABLE (user_id uuid, password_hash text, org_id uuid, totp_enabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.id, u.password_hash,
         (SELECT m.org_id FROM public.memberships m
           WHERE m.user_id = u.id ORDER BY m.created_at, m.org_id LIMIT 1),
         EXISTS (SELECT 1 FROM public.user_totp t WHERE t.user_id = u.id AND t.enabled_at IS NOT NULL)
    FROM public.users u
   WHERE u.email = lower(btrim(p_email))
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_login_lookup(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_login_lookup(text) TO gallo_app;--> statement-breakpoint

-- The organisations the claimed user belongs to, for the organisation switcher and for choosing
-- where a login lands. Memberships are tenant-scoped, so only the owner can see across them; the
-- function answers for the `app.user_id` claim and nothing else.
CREATE FUNCTION gallo_my_organisations()
RETURNS TABLE (org_id uuid, name text, role text, require_2fa boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT o.id, o.name, m.role, o.require_2fa
    FROM public.memberships m JOIN public.organisations o ON o.id = m.org_id
   WHERE m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
   ORDER BY m.created_at, o.id
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_my_organisations() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_my_organisations() TO gallo_app;--> statement-breakpoint

-- Whether an account exists for an email, for invitations (accept as an existing user) and
-- registration completion. Returns the user id of exactly one normalised email.
CREATE FUNCTION gallo_user_id_by_email(p_email text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.id FROM public.users u WHERE u.email = lower(btrim(p_email))
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_user_id_by_email(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_user_id_by_email(text) TO gallo_app;
