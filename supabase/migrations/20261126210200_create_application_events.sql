-- The history of an application's status (issue 16.2): who moved it, when, from, to and why.
-- Rows are written by triggers, so a move made through the API, a direct REST update or a
-- workflow trigger (interview completion) is recorded alike. Staff of the posting's organization
-- read every column; the candidate reads their own history without the internal note, through
-- the view public.candidate_application_events.
--
-- The note of a move travels in the transaction-local setting `app.application_note`
-- (set_config(..., true)), because it is not a column of the application.

create table public.application_events (
  id bigint generated always as identity primary key,
  application_id uuid not null references public.applications (id) on delete cascade,
  from_status text,                                  -- null for the application's creation
  to_status text not null,
  note text check (length(note) <= 2000),            -- internal: never shown to the candidate
  changed_by uuid references auth.users (id) on delete set null,  -- the mover; null for system moves
  created_at timestamptz not null default now()
);
comment on table public.application_events is 'Every status an application took: creation and each move.';
-- An application's history in order; also serves the policy's lookup by application.
create index application_events_application_idx on public.application_events (application_id, created_at, id);
create index application_events_changed_by_idx on public.application_events (changed_by);

alter table public.application_events enable row level security;

create policy "Staff read their organization's application events" on public.application_events
  for select to authenticated
  using ((select access.is_staff()) and exists (
           select 1 from public.applications a join public.job_postings p on p.id = a.job_posting_id
            where a.id = application_events.application_id and p.organization_id = (select access.staff_organization_id())));

revoke all on public.application_events from anon, authenticated;
grant select on public.application_events to authenticated;

-- The candidate's own history, without notes or the mover's identity. A view owned by the
-- migration role (it reads past RLS), filtered to the caller, like candidate_assessments.
create view public.candidate_application_events as
select e.id, e.application_id, e.from_status, e.to_status, e.created_at
  from public.application_events e
  join public.applications a on a.id = e.application_id
 where a.candidate_id = (select auth.uid());
comment on view public.candidate_application_events is 'The calling candidate''s application history, without internal notes.';
revoke all on public.candidate_application_events from public, anon, authenticated;
grant select on public.candidate_application_events to authenticated, service_role;

-- Security definer: the caller has no insert grant on the history.
create or replace function private.record_application_event() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status then
    return null;
  end if;
  insert into public.application_events (application_id, from_status, to_status, note, changed_by)
  values (new.id, case when tg_op = 'UPDATE' then old.status end, new.status,
          nullif(current_setting('app.application_note', true), ''), auth.uid());
  return null;
end
$$;
comment on function private.record_application_event() is 'Appends the application''s new status to its history.';
revoke execute on function private.record_application_event() from public, anon, authenticated;

create trigger applications_record_event after insert or update of status on public.applications
  for each row execute function private.record_application_event();
