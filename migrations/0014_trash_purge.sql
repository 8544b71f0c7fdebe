-- The nightly purge of the trash (src/trash/purge.job.ts). Records stay restorable for 30 days
-- after deletion; then this function deletes them for good, in every organisation. The runtime
-- role sees one organisation at a time (row-level security), so the function runs as its owner
-- (SECURITY DEFINER, fixed search_path) and only gallo_app may call it. It refuses an interval
-- shorter than 30 days, so even a compromised Worker cannot cut the restore window short.
CREATE FUNCTION gallo_purge_trash(p_older_than interval)
RETURNS TABLE (kind text, purged bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_cutoff timestamptz;
  v_people uuid[];
  v_companies uuid[];
  v_deals uuid[];
  v_tasks bigint;
  v_notes bigint;
BEGIN
  IF p_older_than IS NULL OR p_older_than < interval '30 days' THEN
    RAISE EXCEPTION 'the trash keeps records for at least 30 days, not %', p_older_than
      USING ERRCODE = '22023';
  END IF;
  v_cutoff := now() - p_older_than;

  SELECT coalesce(array_agg(id), '{}') INTO v_people FROM public.people WHERE deleted_at < v_cutoff;
  SELECT coalesce(array_agg(id), '{}') INTO v_companies FROM public.companies WHERE deleted_at < v_cutoff;
  SELECT coalesce(array_agg(id), '{}') INTO v_deals FROM public.deals WHERE deleted_at < v_cutoff;

  -- What hangs on a purged record goes with it (notes, its history); what only points at it
  -- keeps its own data and loses the link (a person's company, a deal's company, a task's record).
  DELETE FROM public.notes
   WHERE (record_type = 'person' AND record_id = ANY (v_people))
      OR (record_type = 'company' AND record_id = ANY (v_companies))
      OR (record_type = 'deal' AND record_id = ANY (v_deals));
  UPDATE public.tasks SET record_type = NULL, record_id = NULL
   WHERE (record_type = 'person' AND record_id = ANY (v_people))
      OR (record_type = 'company' AND record_id = ANY (v_companies))
      OR (record_type = 'deal' AND record_id = ANY (v_deals));
  DELETE FROM public.timeline_events
   WHERE (record_type = 'person' AND record_id = ANY (v_people))
      OR (record_type = 'company' AND record_id = ANY (v_companies))
      OR (record_type = 'deal' AND record_id = ANY (v_deals));
  UPDATE public.people SET company_id = NULL WHERE company_id = ANY (v_companies);
  UPDATE public.deals SET company_id = NULL WHERE company_id = ANY (v_companies);

  -- deal_people and deal_stage_history follow by their cascading foreign keys.
  DELETE FROM public.deals WHERE id = ANY (v_deals);
  DELETE FROM public.people WHERE id = ANY (v_people);
  DELETE FROM public.companies WHERE id = ANY (v_companies);
  DELETE FROM public.tasks WHERE deleted_at < v_cutoff;
  GET DIAGNOSTICS v_tasks = ROW_COUNT;
  DELETE FROM public.notes WHERE deleted_at < v_cutoff;
  GET DIAGNOSTICS v_notes = ROW_COUNT;

  RETURN QUERY VALUES
    ('person', cardinality(v_people)::bigint),
    ('company', cardinality(v_companies)::bigint),
    ('deal', cardinality(v_deals)::bigint),
    ('task', v_tasks),
    ('note', v_notes);
END
$$;--> statement-breakpoint
REVOKE ALL ON FUNCTION gallo_purge_trash(interval) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION gallo_purge_trash(interval) TO gallo_app;
