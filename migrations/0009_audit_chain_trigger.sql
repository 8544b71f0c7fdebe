-- Hand-written: the audit log's hash chain, its verification, and its retention purge.
--
-- Every organisation's entries are numbered 1, 2, 3, … (seq), and each carries the hash of the
-- entry before it (prev_hash; 64 zeros for the first) and its own hash over its fields and
-- prev_hash. Changing, removing or inserting an entry anywhere but at the end breaks a link that
-- gallo_audit_verify() finds. The runtime role cannot change or remove entries at all (it holds
-- only SELECT and INSERT, 0003); the chain is what makes the owner's edits visible.

-- The seal of one entry: SHA-256 (hex) of a canonical text of its fields and prev_hash. The text
-- is a JSON array (jsonb prints it one way only: keys sorted, fixed spacing), with created_at in
-- UTC to the microsecond so no session time zone changes it, and a version tag first so a later
-- format can be told apart.
CREATE FUNCTION gallo_audit_hash(e public.audit_log) RETURNS text
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
           'gallo-audit-v1', e.org_id, e.seq, e.id,
           to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           e.actor_user_id, e.actor_email, e.action, e.target_type, e.target_id, e.summary,
           e.ip, e.user_agent, e.request_id, e.prev_hash
         )::text, 'UTF8')), 'hex')
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_audit_hash(public.audit_log) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_audit_hash(public.audit_log) TO gallo_app;--> statement-breakpoint

-- Entries written before this migration join the chain in the order they were written.
DO $$
DECLARE
  e public.audit_log;
  v_org uuid;
  v_seq bigint;
  v_hash text;
BEGIN
  FOR e IN SELECT * FROM public.audit_log ORDER BY org_id, created_at, id LOOP
    IF v_org IS DISTINCT FROM e.org_id THEN
      v_org := e.org_id;
      v_seq := 0;
      v_hash := repeat('0', 64);
    END IF;
    v_seq := v_seq + 1;
    e.seq := v_seq;
    e.prev_hash := v_hash;
    v_hash := public.gallo_audit_hash(e);
    UPDATE public.audit_log SET seq = e.seq, prev_hash = e.prev_hash, hash = v_hash
     WHERE id = e.id;
  END LOOP;
END
$$;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_org_seq_idx" ON "audit_log" USING btree ("org_id","seq");--> statement-breakpoint

-- Appends an entry to its organisation's chain, whatever seq, prev_hash or hash the writer sent.
-- - Only for the organisation the transaction claims (checked before anything is read or locked),
--   so a writer can neither learn another organisation's chain (RETURNING) nor hold its lock.
-- - A transaction-scoped advisory lock per organisation makes concurrent writers of one
--   organisation take turns: each reads the chain's end after the previous writer committed.
--   Writers of different organisations do not wait for each other.
-- - created_at never goes back along the chain (a transaction that began earlier but got the
--   lock later takes the previous entry's time) and never lies in the future, so the entries
--   older than any moment are a prefix of the chain, which is what the purge removes.
-- SECURITY DEFINER (runs as the owner, which bypasses RLS) so it always reads the whole chain,
-- whatever the caller may see; fixed search_path. It cannot be called other than as a trigger.
CREATE FUNCTION gallo_audit_chain() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_last public.audit_log;
BEGIN
  IF NEW.org_id IS DISTINCT FROM nullif(current_setting('app.org_id', true), '')::uuid THEN
    RAISE EXCEPTION 'an audit entry may only be written for the claimed organisation'
      USING ERRCODE = '42501';
  END IF;

  PERFORM pg_advisory_xact_lock(hashtextextended('gallo_audit_log:' || NEW.org_id::text, 0));
  SELECT * INTO v_last FROM public.audit_log
   WHERE org_id = NEW.org_id ORDER BY seq DESC LIMIT 1;

  NEW.seq := coalesce(v_last.seq, 0) + 1;
  NEW.prev_hash := coalesce(v_last.hash, repeat('0', 64));
  NEW.created_at := greatest(
    least(coalesce(NEW.created_at, now()), clock_timestamp()), v_last.created_at);
  NEW.hash := public.gallo_audit_hash(NEW);
  RETURN NEW;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_audit_chain() FROM PUBLIC;--> statement-breakpoint
-- Like every SECURITY DEFINER function here, executable by gallo_app only; a trigger function
-- called directly raises 0A000, so this grant opens nothing.
GRANT EXECUTE ON FUNCTION gallo_audit_chain() TO gallo_app;--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION gallo_audit_chain();--> statement-breakpoint

-- The first broken link of the claimed organisation's chain: the seq of the first entry whose
-- hash is not the seal of its fields, or whose seq or prev_hash does not follow the entry before
-- it; NULL when every link holds. The oldest remaining entry's prev_hash is trusted, because the
-- retention purge removes the start of the chain. Runs as the caller, under RLS.
CREATE FUNCTION gallo_audit_verify() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_org uuid := nullif(current_setting('app.org_id', true), '')::uuid;
BEGIN
  IF v_org IS NULL THEN
    RAISE EXCEPTION 'no organisation is claimed' USING ERRCODE = '42501';
  END IF;
  RETURN (
    SELECT chain.seq FROM (
      SELECT a.seq, a.hash, a.prev_hash, public.gallo_audit_hash(a) AS sealed,
             lag(a.seq) OVER w AS before_seq, lag(a.hash) OVER w AS before_hash
        FROM public.audit_log a
       WHERE a.org_id = v_org
      WINDOW w AS (ORDER BY a.seq)
    ) chain
     WHERE chain.hash IS DISTINCT FROM chain.sealed
        OR (chain.before_seq IS NOT NULL
            AND (chain.seq <> chain.before_seq + 1
                 OR chain.prev_hash IS DISTINCT FROM chain.before_hash))
     ORDER BY chain.seq
     LIMIT 1
  );
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_audit_verify() FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_audit_verify() TO gallo_app;--> statement-breakpoint

-- Retention: the one way entries leave the log. Removes, in every organisation, the entries
-- older than p_older_than (at least 30 days, so a mistaken or hostile call cannot empty recent
-- history), always a prefix of the chain, and records the purge as a new entry
-- (`audit.purged`), so the chain goes on from it and the log says what was removed. Returns
-- how many entries were removed. SECURITY DEFINER: the runtime role holds no DELETE on the log.
CREATE FUNCTION gallo_audit_purge(p_older_than interval) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_claim text := current_setting('app.org_id', true);
  v_before timestamptz;
  v_org uuid;
  v_through bigint;
  v_deleted integer;
  v_total integer := 0;
BEGIN
  IF p_older_than IS NULL OR p_older_than < interval '30 days' THEN
    RAISE EXCEPTION 'audit entries are kept at least 30 days, not %', p_older_than
      USING ERRCODE = '22023';
  END IF;
  v_before := now() - p_older_than;

  FOR v_org IN SELECT DISTINCT org_id FROM public.audit_log WHERE created_at < v_before LOOP
    -- The purge's own entry is written for this organisation like any other (see the trigger).
    PERFORM set_config('app.org_id', v_org::text, true);
    PERFORM pg_advisory_xact_lock(hashtextextended('gallo_audit_log:' || v_org::text, 0));
    SELECT max(seq) INTO v_through FROM public.audit_log
     WHERE org_id = v_org AND created_at < v_before;
    DELETE FROM public.audit_log WHERE org_id = v_org AND seq <= v_through;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    INSERT INTO public.audit_log (id, org_id, action, summary)
    VALUES (gen_random_uuid(), v_org, 'audit.purged',
            jsonb_build_object('deleted', v_deleted, 'throughSeq', v_through,
                               'olderThan', p_older_than::text));
    v_total := v_total + v_deleted;
  END LOOP;

  PERFORM set_config('app.org_id', coalesce(v_claim, ''), true);
  RETURN v_total;
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_audit_purge(interval) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_audit_purge(interval) TO gallo_app;
