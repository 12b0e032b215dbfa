-- Jobs whose worker crashed on the final attempt (lease expired) are reaped by a function that
-- returns them, so the runner can call the kind's dead-job hook (e.g. mark a resume `failed`)
-- instead of leaving the work's own row in its in-progress state.

create or replace function private.reap_expired_jobs() returns setof private.jobs
language plpgsql security definer set search_path = '' as $$
begin
  return query
  update private.jobs
     set status = 'dead', last_error = coalesce(last_error, 'worker lease expired on the final attempt'),
         locked_by = null, locked_until = null, finished_at = now(), updated_at = now()
   where status = 'running' and locked_until < now() and attempts >= max_attempts
  returning *;
end
$$;

create or replace function private.claim_jobs(p_worker text, p_batch integer, p_lease_seconds integer)
returns setof private.jobs
language plpgsql security definer set search_path = '' as $$
begin
  return query
  with claimable as (
    select j.id from private.jobs j
     where (j.status = 'queued' and j.run_after <= now())
        or (j.status = 'running' and j.locked_until < now() and j.attempts < j.max_attempts)
     order by j.run_after, j.id
     for update skip locked
     limit p_batch
  )
  update private.jobs j
     set status = 'running', attempts = j.attempts + 1, locked_by = p_worker,
         locked_until = now() + make_interval(secs => p_lease_seconds), updated_at = now()
    from claimable c
   where j.id = c.id
  returning j.*;
end
$$;

revoke execute on function private.reap_expired_jobs() from public, anon, authenticated;
grant execute on function private.reap_expired_jobs() to service_role;
