-- Re-parsing a resume and rescoring an interview are asked for by people, and each job is a paid
-- AI call, so a burst of requests must not queue the same work many times (security review F16).
-- Dedupe keys are unique forever (private.jobs.dedupe_key), so a repeatable request cannot reuse
-- one; instead enqueue_unless_live looks for a live (queued or running) job of the same kind for
-- the same subject (payload ->> p_subject_key) and returns it, queueing a new job only when there
-- is none. The subject's advisory lock, held until the caller's transaction ends, makes the
-- look-then-insert safe under concurrency: a second caller waits, then finds the first one's job
-- (transaction-scoped, so it works through Supabase's transaction-mode pooler).

-- Finding a kind's live jobs reads only live rows: what makes the look-up cheap whatever the
-- history's size (also used by the score-pending sweep's not-exists check).
create index jobs_live_kind_idx on private.jobs (kind) where status in ('queued', 'running');

create or replace function private.enqueue_unless_live(
  p_kind text, p_subject_key text, p_payload jsonb, p_dedupe_key text default null, p_max_attempts integer default 3
) returns table (id bigint, created boolean)
language plpgsql security definer set search_path = '' as $$
declare
  v_subject text := p_payload ->> p_subject_key;
begin
  if v_subject is null then
    raise exception 'payload has no %', p_subject_key using errcode = '22023';
  end if;
  perform pg_advisory_xact_lock(hashtextextended(p_kind || ':' || v_subject, 0));
  select j.id into id from private.jobs j
   where j.kind = p_kind and j.status in ('queued', 'running') and j.payload ->> p_subject_key = v_subject
   order by j.id limit 1;
  if id is not null then
    created := false;
    return next;
    return;
  end if;
  id := private.enqueue_job(p_kind, p_payload, p_dedupe_key, now(), p_max_attempts);
  created := true;
  return next;
end
$$;

revoke execute on function private.enqueue_unless_live(text, text, jsonb, text, integer) from public, anon, authenticated;
grant execute on function private.enqueue_unless_live(text, text, jsonb, text, integer) to service_role;
