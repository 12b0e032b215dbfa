-- The allowed application status moves, enforced for every role (issue 16.2), so a direct REST
-- update cannot skip steps or revive a closed application:
--   applied -> interview_scheduled -> interview_completed -> under_review -> rejected | offered
--   offered -> accepted
--   any open status -> withdrawn (the candidate's own move, by the update policy)
-- rejected, accepted and withdrawn are terminal; "moving" to the same status is refused too.
-- The error carries hint APPLICATION_MOVE_NOT_ALLOWED, which the API answers as 409.

create or replace function private.application_move_allowed(p_from text, p_to text) returns boolean
language sql immutable set search_path = '' as $$
  select (p_to = 'withdrawn' and p_from in ('applied', 'interview_scheduled', 'interview_completed', 'under_review', 'offered'))
      or (p_from, p_to) in (('applied', 'interview_scheduled'), ('interview_scheduled', 'interview_completed'),
                            ('interview_completed', 'under_review'), ('under_review', 'rejected'),
                            ('under_review', 'offered'), ('offered', 'accepted'))
$$;
comment on function private.application_move_allowed(text, text) is 'Whether an application may move from one status to another.';

-- Security definer only to reach the rule in schema `private`; it reads nothing else.
create or replace function private.check_application_move() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if not private.application_move_allowed(old.status, new.status) then
    raise exception 'an application cannot move from % to %', old.status, new.status
      using errcode = 'P0001', hint = 'APPLICATION_MOVE_NOT_ALLOWED';
  end if;
  return new;
end
$$;

-- Withdrawing ends the application's unfinished interview (kept, as abandoned). Security
-- definer: only the service role writes interviews.
create or replace function private.abandon_withdrawn_interviews() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.interviews set status = 'abandoned', end_reason = 'application_withdrawn'
   where application_id = new.id and status in ('scheduled', 'in_progress');
  return null;
end
$$;

revoke execute on function private.application_move_allowed(text, text), private.check_application_move(),
  private.abandon_withdrawn_interviews() from public, anon, authenticated;

-- Named to sort before on_application_status_changed: a refused move never reaches the webhooks.
create trigger applications_check_move before update of status on public.applications
  for each row execute function private.check_application_move();
create trigger applications_abandon_withdrawn_interviews after update of status on public.applications
  for each row when (new.status = 'withdrawn' and old.status is distinct from 'withdrawn')
  execute function private.abandon_withdrawn_interviews();
