-- A job posting's status moves only along the allowed edges (issue 16), enforced here so that a
-- direct table update as `authenticated` (recruiters have UPDATE on status, is_cancelled and
-- cancellation_reason over REST) cannot skip the rules the API follows.
--
-- The status a person sees is `cancelled` when is_cancelled, otherwise the status column:
--   active <-> paused; active | paused -> closed; active | paused -> cancelled (with a reason,
--   already a check constraint); closed -> active only as a trusted role (the API's reopen, after
--   the caller's row lock passed the update policy); cancelled is terminal: the row is frozen.
-- A new posting starts active or paused when a client role inserts it.
-- A refused move raises SQLSTATE PT409 (PostgREST answers it as 409) with hint INVALID_STATUS_MOVE;
-- the API maps it by that SQLSTATE.

-- Security invoker on purpose: current_user is the caller's role.
create or replace function private.guard_job_posting_status() returns trigger
language plpgsql set search_path = '' as $$
declare
  v_client boolean := current_user in ('anon', 'authenticated');
  v_to text := case when new.is_cancelled then 'cancelled' else new.status end;
  v_from text;
begin
  if tg_op = 'INSERT' then
    if v_client and v_to not in ('active', 'paused') then
      raise exception 'a new job posting starts active or paused, not %', v_to
        using errcode = 'PT409', hint = 'INVALID_STATUS_MOVE';
    end if;
    return new;
  end if;
  v_from := case when old.is_cancelled then 'cancelled' else old.status end;
  if v_from = 'cancelled' then
    raise exception 'a cancelled job posting cannot be changed' using errcode = 'PT409', hint = 'INVALID_STATUS_MOVE';
  end if;
  if v_from = v_to
     or (v_from, v_to) in (('active', 'paused'), ('paused', 'active'), ('active', 'closed'), ('paused', 'closed'),
                           ('active', 'cancelled'), ('paused', 'cancelled'))
     or (v_from = 'closed' and v_to = 'active' and not v_client) then
    return new;
  end if;
  raise exception 'a job posting cannot move from % to %', v_from, v_to using errcode = 'PT409', hint = 'INVALID_STATUS_MOVE';
end
$$;
comment on function private.guard_job_posting_status() is 'Refuses job posting status moves that are not allowed (SQLSTATE PT409).';
revoke execute on function private.guard_job_posting_status() from public, anon, authenticated;

create trigger job_postings_guard_status before insert or update on public.job_postings
  for each row execute function private.guard_job_posting_status();
