-- A candidate ends their interview in one call (issue 20): POST /interview/{id}/complete used three
-- transactions (the caller's session check, the interview read under RLS, the completion as the
-- service), about a dozen network round trips between Lambda and Supabase's pooler; the function
-- now sends one (db.on_behalf_of + this call).
--
-- Only the service role executes it, with the caller's verified claims in request.jwt.claims:
-- identity is auth.uid(), never an argument. It completes the interview only when it is the
-- caller's, in progress, and the caller's session is live (logout or a deactivation ended it
-- otherwise); the completion trigger queues scoring as before. It answers what it found, so the
-- service can tell 404 (not theirs), 401 (session ended), an interview already completed (its
-- duration again) and any other state (409) apart.

create or replace function private.complete_interview(p_interview_id uuid)
returns table (session_active boolean, status text, duration_seconds integer, completed boolean)
language plpgsql security definer set search_path = '' as $$
declare
  v_session_active boolean;
  v_status text;
  v_duration integer;
begin
  select coalesce(c.session_active, false) into v_session_active from access.caller_state() c;
  select i.status, i.duration_seconds into v_status, v_duration
    from public.interviews i
   where i.id = p_interview_id and i.candidate_id = auth.uid();
  if v_status is null or not v_session_active or v_status <> 'in_progress' then
    return query select v_session_active, v_status, v_duration, false;
    return;
  end if;
  update public.interviews i
     set status = 'completed', completed_at = now(), end_reason = 'candidate_completed',
         duration_seconds = greatest(0, extract(epoch from now() - coalesce(i.started_at, i.created_at)))::integer
   where i.id = p_interview_id and i.status = 'in_progress'
  returning i.duration_seconds into v_duration;
  if not found then  -- completed or abandoned by another transaction since the read
    select i.status, i.duration_seconds into v_status, v_duration from public.interviews i where i.id = p_interview_id;
    return query select v_session_active, v_status, v_duration, false;
    return;
  end if;
  return query select v_session_active, 'in_progress'::text, v_duration, true;
end
$$;
comment on function private.complete_interview(uuid) is
  'Completes the caller''s in-progress interview when their session is live; service role only, identity from request.jwt.claims.';

revoke execute on function private.complete_interview(uuid) from public, anon, authenticated;
grant execute on function private.complete_interview(uuid) to service_role;
