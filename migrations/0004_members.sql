-- Hand-written: the member list of the claimed organisation, with emails.
--
-- Users are keyed to the `app.user_id` claim, so under row-level security a member can read only
-- their own email. The member list needs everyone's email in the organisation, and only that:
-- this function answers for the `app.org_id` claim, and only when the `app.user_id` claim is a
-- member of it (both claims are set by gallo_begin after it has checked the session), so a
-- transaction that claims an organisation it does not belong to learns nothing.
-- SECURITY DEFINER (runs as the owner, which bypasses RLS) with a fixed search_path so no
-- caller-created object can stand in for ours; only gallo_app may execute it.
CREATE FUNCTION gallo_org_members()
RETURNS TABLE (user_id uuid, email text, role text, joined_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.user_id, u.email, m.role, m.created_at
    FROM public.memberships m JOIN public.users u ON u.id = m.user_id
   WHERE m.org_id = nullif(current_setting('app.org_id', true), '')::uuid
     AND EXISTS (
       SELECT 1 FROM public.memberships me
        WHERE me.org_id = m.org_id
          AND me.user_id = nullif(current_setting('app.user_id', true), '')::uuid)
   ORDER BY m.created_at, m.user_id
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_org_members() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_org_members() TO gallo_app;
