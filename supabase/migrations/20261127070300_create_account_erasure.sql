-- Account erasure (issue 19.3). A candidate who deletes their account loses every row of theirs;
-- what organizations keep is counts without a person behind them, and the platform keeps a log
-- that an erasure happened, without personal data. The privacy function runs
-- private.erase_candidate() (rows), then removes the candidate's files in every bucket through
-- Storage, then deletes the Auth user; a step that fails leaves the account able to sign in and
-- try again, and each step finds the work of the ones before it done.
--
-- Most rows go by the foreign keys' cascades from public.candidates: resumes and their feedback,
-- interviews with sessions, messages, assessments and their review marks, recordings and
-- recording consents, applications and their history, the recruiter pipeline rows and recruiters'
-- notes about the candidate, recorded upload names. What no foreign key reaches is deleted
-- here: outbox emails to the candidate or about their rows, queued and finished jobs and webhook
-- deliveries that name any of their rows' ids, rate-limit counters keyed by their id, and the
-- login-failure row keyed by their email's hash.

create table public.erased_candidate_counts (
  organization_id uuid not null references public.organizations (id) on delete cascade,  -- whose records the counts are
  job_posting_id uuid references public.job_postings (id) on delete cascade,  -- the posting; null: registrations and interviews outside postings
  month date not null,                                  -- first day of the month the erasures happened in
  registrations integer not null default 0,             -- erased candidates who had registered through the organization
  applications integer not null default 0,              -- their applications to the posting
  completed_interviews integer not null default 0,      -- their completed interviews
  assessments integer not null default 0,               -- their ready (completed or partial) current assessments
  updated_at timestamptz not null default now()
);
comment on table public.erased_candidate_counts is
  'What organizations keep of erased candidates: counts per posting and month, with no person behind them.';
-- One row per organization, posting (or none) and month; erasures add to it.
create unique index erased_candidate_counts_key on public.erased_candidate_counts (organization_id, job_posting_id, month) nulls not distinct;
-- Deleting a posting deletes its counts (the foreign key's cascade looks them up here).
create index erased_candidate_counts_posting_idx on public.erased_candidate_counts (job_posting_id);

alter table public.erased_candidate_counts enable row level security;
create policy "Staff read their organization's erased-candidate counts" on public.erased_candidate_counts for select to authenticated
  using (organization_id = (select access.staff_organization_id()));
revoke all on public.erased_candidate_counts from anon, authenticated;
grant select on public.erased_candidate_counts to authenticated;

create table private.account_erasures (
  subject_hash text primary key check (subject_hash ~ '^[0-9a-f]{64}$'),  -- sha256 (hex) of the erased account's id
  requested_at timestamptz not null default now(),   -- when the rows were erased
  completed_at timestamptz,                          -- when the files and the Auth user were gone too
  objects_removed integer not null default 0         -- stored files removed
);
comment on table private.account_erasures is
  'Erasures that happened: a hash of the account id (answers "was this account erased?" for a given id) and times; no personal data.';
alter table private.account_erasures enable row level security;
revoke all on private.account_erasures from public, anon, authenticated;
grant select, insert, update on private.account_erasures to service_role;

-- The sha256 (hex) of an account id, as the erasure log keeps it.
create or replace function private.erasure_subject_hash(p_account_id uuid) returns text
language sql immutable set search_path = '' as $$
  select encode(sha256(convert_to(p_account_id::text, 'UTF8')), 'hex')
$$;

-- Every uuid written in a text (a row, a payload): how jobs and deliveries are matched to the
-- erased rows whatever the shape of their payloads.
create or replace function private.uuids_in(p_text text) returns uuid[]
language sql immutable set search_path = '' as $$
  select coalesce(array_agg(m[1]::uuid), '{}')
    from regexp_matches(lower(p_text), '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})', 'g') m
$$;

-- Erases the candidate's rows (under the candidate's row lock, so no workflow adds to them
-- meanwhile), adds them to the organizations' counts and logs the erasure; returns the log's
-- subject hash. A second call (a retry after Storage or Auth failed) finds nothing left and only
-- returns the hash.
create or replace function private.erase_candidate(p_candidate_id uuid) returns text
language plpgsql security definer set search_path = '' as $$
declare
  v_hash text := private.erasure_subject_hash(p_candidate_id);
  v_email text;
  v_ids uuid[];
  v_more uuid[];
begin
  insert into private.account_erasures (subject_hash) values (v_hash) on conflict (subject_hash) do nothing;
  select c.email into v_email from public.candidates c where c.id = p_candidate_id for update;
  if v_email is null then
    return v_hash;
  end if;

  insert into public.erased_candidate_counts as t
    (organization_id, job_posting_id, month, registrations, applications, completed_interviews, assessments)
  select x.organization_id, x.job_posting_id, date_trunc('month', now())::date,
         sum(x.registrations), sum(x.applications), sum(x.completed), sum(x.assessed)
    from (
      select c.organization_id, null::uuid as job_posting_id, 1 as registrations, 0 as applications, 0 as completed, 0 as assessed
        from public.candidates c where c.id = p_candidate_id
      union all
      select p.organization_id, a.job_posting_id, 0, 1, 0, 0
        from public.applications a join public.job_postings p on p.id = a.job_posting_id
       where a.candidate_id = p_candidate_id
      union all
      select coalesce(p.organization_id, c.organization_id), p.id, 0, 0, (i.status = 'completed')::integer,
             (exists (select 1 from public.assessment_results r
                       where r.interview_id = i.id and r.is_current and r.status in ('completed', 'partial')))::integer
        from public.interviews i
        join public.candidates c on c.id = i.candidate_id
        left join public.job_postings p on p.id = i.job_posting_id
       where i.candidate_id = p_candidate_id
    ) x
   group by x.organization_id, x.job_posting_id
  on conflict (organization_id, job_posting_id, month) do update
    set registrations = t.registrations + excluded.registrations,
        applications = t.applications + excluded.applications,
        completed_interviews = t.completed_interviews + excluded.completed_interviews,
        assessments = t.assessments + excluded.assessments,
        updated_at = now();

  -- The ids of the candidate's rows, which outbox messages, jobs and deliveries may name.
  v_ids := array[p_candidate_id]
    || array(select r.id from public.resumes r where r.candidate_id = p_candidate_id)
    || array(select f.id from public.resume_feedback f where f.candidate_id = p_candidate_id)
    || array(select i.id from public.interviews i where i.candidate_id = p_candidate_id)
    || array(select s.id from public.interview_sessions s join public.interviews i on i.id = s.interview_id
              where i.candidate_id = p_candidate_id)
    || array(select r.id from public.assessment_results r join public.interviews i on i.id = r.interview_id
              where i.candidate_id = p_candidate_id)
    || array(select a.id from public.applications a where a.candidate_id = p_candidate_id)
    || array(select v.id from public.video_recordings v where v.candidate_id = p_candidate_id)
    || array(select n.id from public.candidate_notes n where n.candidate_id = p_candidate_id);

  with gone as (
    delete from private.email_outbox o
     where lower(o.to_address) = lower(v_email) or o.related_id = any (v_ids)
    returning o.id
  )
  select coalesce(array_agg(gone.id), '{}') into v_more from gone;
  v_ids := v_ids || v_more;

  with gone as (
    delete from public.webhook_deliveries d where private.uuids_in(d::text) && v_ids returning d.id
  )
  select coalesce(array_agg(gone.id), '{}') into v_more from gone;
  v_ids := v_ids || v_more;

  delete from private.jobs j where private.uuids_in(j::text) && v_ids;
  delete from private.rate_limit_counters c where c.subject = any (v_ids::text[]);
  delete from private.login_failures f where f.account_key = private.login_key(v_email);

  delete from public.candidates c where c.id = p_candidate_id;
  return v_hash;
end
$$;
comment on function private.erase_candidate(uuid) is
  'Deletes every row of a candidate (cascades and what no foreign key reaches), keeps anonymous counts, logs the erasure.';

-- Marks the logged erasure complete once the files and the Auth user are gone.
create or replace function private.complete_erasure(p_subject_hash text, p_objects_removed integer) returns void
language sql security definer set search_path = '' as $$
  update private.account_erasures
     set completed_at = now(), objects_removed = objects_removed + p_objects_removed
   where subject_hash = p_subject_hash
$$;

revoke execute on function private.erasure_subject_hash(uuid), private.uuids_in(text), private.erase_candidate(uuid),
  private.complete_erasure(text, integer) from public, anon, authenticated;
grant execute on function private.erase_candidate(uuid), private.complete_erasure(text, integer) to service_role;
