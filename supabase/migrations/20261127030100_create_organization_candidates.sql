-- The recruiter pipeline (issue 17): one row per organization and each candidate it may see,
-- with what the candidate list filters, sorts and shows (latest scores, skills, role types, the
-- organization's applications, last activity, assessments still to review).
--
-- It is two things at once. First, the tenancy rule as data: a row exists exactly when the
-- candidate registered through the organization or applied to one of its postings, so the
-- tenancy policies can test membership with one index lookup instead of calling
-- access.staff_sees_candidate() per row (measured: about 0.1 ms per row, seconds for a list of
-- thousands; see 20261127030200_index_tenancy_policies.sql). Second, a read model: the list
-- sorts and pages through these rows alone, so a page costs the same whatever the candidates'
-- histories hold.
--
-- Rows are written only by private.refresh_organization_candidates(), called from deferred
-- constraint triggers on every table the row is computed from, so it runs once the
-- transaction's other work is done, holding the candidate's row lock (refreshes of the same
-- candidate run one after the other, and each sees what the previous one committed).
-- Interview turns touch only last_activity_at and usage columns, which fire nothing; the row's
-- last activity therefore moves with the pipeline's events (registration, uploads, interview
-- status, application moves, assessments), not with every answer.

create table public.organization_candidates (
  organization_id uuid not null references public.organizations (id) on delete cascade,  -- whose pipeline the row is in
  candidate_id uuid not null references public.candidates (id) on delete cascade,
  registered boolean not null default false,        -- the candidate registered through this organization
  full_name text not null,                           -- copy of candidates.full_name, shown and searched
  email text not null,                               -- copy of candidates.email, shown and searched
  search_text text generated always as (lower(full_name || ' ' || email)) stored,  -- what the free-text filter matches
  skills text[] not null default '{}',               -- lower-case skills of parsed resumes and of current assessments
  role_types text[] not null default '{}',           -- role types of the candidate's interviews
  job_posting_ids uuid[] not null default '{}',      -- this organization's postings the candidate applied to
  application_statuses text[] not null default '{}', -- statuses of those applications
  application_id uuid,                               -- the newest of those applications
  application_status text,                           -- and its status
  assessment_id uuid,                                -- the newest ready (completed or partial) current assessment
  interview_id uuid,                                 -- the interview it scored
  overall_score integer,                             -- its scores
  integrity_score integer,
  assessed_at timestamptz,                           -- when it was generated
  last_completed_at timestamptz,                     -- the candidate's latest interview completion
  unreviewed_assessments integer not null default 0, -- ready current assessments this organization has not marked reviewed
  unreviewed_since timestamptz,                      -- generation time of the oldest of them
  last_activity_at timestamptz not null,             -- latest of registration, upload, interview, application move, assessment
  refreshed_at timestamptz not null default now(),
  primary key (organization_id, candidate_id)        -- also the tenancy lookup (organization, candidate)
);
comment on table public.organization_candidates is
  'Each organization''s candidates (registered through it or applied to it) with their pipeline summary; written by triggers only.';

-- Refreshes, cascades and the staff_sees_candidate() helper look rows up by candidate.
create index organization_candidates_candidate_idx on public.organization_candidates (candidate_id);
-- Free text over name and email: LIKE '%...%' on the lower-cased text, answered by trigrams.
create index organization_candidates_search_idx on public.organization_candidates using gin (search_text extensions.gin_trgm_ops);
-- The skill filter (skills @> array[...]).
create index organization_candidates_skills_idx on public.organization_candidates using gin (skills);
-- The list's default order (last activity, newest first) and its keyset pages.
create index organization_candidates_activity_idx on public.organization_candidates (organization_id, last_activity_at desc, candidate_id);
-- The dashboard's best candidates (score above a threshold); unscored rows are left out.
create index organization_candidates_score_idx on public.organization_candidates (organization_id, overall_score desc, candidate_id)
  where overall_score is not null;
-- The dashboard's review queue: only candidates with something left to review.
create index organization_candidates_unreviewed_idx on public.organization_candidates (organization_id, unreviewed_since)
  where unreviewed_assessments > 0;

alter table public.organization_candidates enable row level security;

create policy "Staff read their organization's candidates in the pipeline" on public.organization_candidates
  for select to authenticated
  using (organization_id = (select access.staff_organization_id()));

revoke all on public.organization_candidates from anon, authenticated;
grant select on public.organization_candidates to authenticated;

-- Recompute every row of one candidate: drop the organizations it no longer belongs to, upsert
-- the others. A candidate that no longer exists (deleted, cascading) ends with no rows.
create or replace function private.refresh_organization_candidates(p_candidate_id uuid) returns void
language plpgsql security definer set search_path = '' as $$
begin
  -- Serialise refreshes of one candidate on the candidate's row (a row lock, not an entry in the
  -- lock table, so a transaction may refresh any number of candidates).
  perform 1 from public.candidates c where c.id = p_candidate_id for no key update;

  delete from public.organization_candidates o
   where o.candidate_id = p_candidate_id
     and not exists (select 1 from public.candidates c where c.id = p_candidate_id and c.organization_id = o.organization_id)
     and not exists (select 1 from public.applications a join public.job_postings p on p.id = a.job_posting_id
                      where a.candidate_id = p_candidate_id and p.organization_id = o.organization_id);

  insert into public.organization_candidates as o (
    organization_id, candidate_id, registered, full_name, email, skills, role_types, job_posting_ids, application_statuses,
    application_id, application_status, assessment_id, interview_id, overall_score, integrity_score, assessed_at,
    last_completed_at, unreviewed_assessments, unreviewed_since, last_activity_at, refreshed_at)
  select m.organization_id, c.id, m.registered, c.full_name, c.email, s.skills, i.role_types,
         coalesce(a.job_posting_ids, '{}'), coalesce(a.statuses, '{}'), n.id, n.status,
         l.id, l.interview_id, l.overall_score, l.integrity_score, l.generated_at,
         i.last_completed_at, u.unreviewed, u.since,
         greatest(c.created_at, r.last_upload, i.last_activity, a.last_move, l.generated_at), now()
    from public.candidates c
    cross join lateral (
      select x.organization_id, bool_or(x.registered) as registered
        from (select c.organization_id, true as registered
              union all
              select p.organization_id, false
                from public.applications ap join public.job_postings p on p.id = ap.job_posting_id
               where ap.candidate_id = c.id) x
       group by x.organization_id) m
    cross join lateral (
      select coalesce(array_agg(distinct k.skill order by k.skill), '{}') as skills
        from (select lower(btrim(e.value)) as skill
                from public.resumes re
                cross join lateral jsonb_array_elements_text(
                  case when jsonb_typeof(re.parsed_data -> 'skills') = 'array' then re.parsed_data -> 'skills' else '[]'::jsonb end) e(value)
               where re.candidate_id = c.id and re.parsing_status = 'completed'
              union
              select lower(btrim(sk.key))
                from public.interviews iv
                join public.assessment_results ar on ar.interview_id = iv.id and ar.is_current and ar.status <> 'failed'
                cross join lateral jsonb_object_keys(case when jsonb_typeof(ar.skill_scores) = 'object' then ar.skill_scores else '{}'::jsonb end) sk(key)
               where iv.candidate_id = c.id) k
       where k.skill <> '') s
    cross join lateral (
      select coalesce(array_agg(distinct iv.role_type order by iv.role_type), '{}') as role_types,
             max(iv.completed_at) filter (where iv.status = 'completed') as last_completed_at,
             max(greatest(iv.last_activity_at, iv.completed_at)) as last_activity
        from public.interviews iv where iv.candidate_id = c.id) i
    cross join lateral (select max(re.uploaded_at) as last_upload from public.resumes re where re.candidate_id = c.id) r
    left join lateral (
      select ar.id, ar.interview_id, ar.overall_score, ar.integrity_score, ar.generated_at
        from public.interviews iv join public.assessment_results ar on ar.interview_id = iv.id
       where iv.candidate_id = c.id and ar.is_current and ar.status <> 'failed'
       order by ar.generated_at desc, ar.id desc limit 1) l on true
    cross join lateral (
      select array_agg(distinct ap.job_posting_id) as job_posting_ids, array_agg(distinct ap.status) as statuses,
             max(ap.status_changed_at) as last_move
        from public.applications ap join public.job_postings p on p.id = ap.job_posting_id
       where ap.candidate_id = c.id and p.organization_id = m.organization_id) a
    left join lateral (
      select ap.id, ap.status
        from public.applications ap join public.job_postings p on p.id = ap.job_posting_id
       where ap.candidate_id = c.id and p.organization_id = m.organization_id
       order by ap.created_at desc, ap.id desc limit 1) n on true
    cross join lateral (
      select count(*)::integer as unreviewed, min(ar.generated_at) as since
        from public.interviews iv join public.assessment_results ar on ar.interview_id = iv.id
       where iv.candidate_id = c.id and ar.is_current and ar.status <> 'failed'
         and not exists (select 1 from public.assessment_reviews v where v.organization_id = m.organization_id and v.assessment_id = ar.id)) u
   where c.id = p_candidate_id
  on conflict (organization_id, candidate_id) do update
     set registered = excluded.registered, full_name = excluded.full_name, email = excluded.email, skills = excluded.skills,
         role_types = excluded.role_types, job_posting_ids = excluded.job_posting_ids,
         application_statuses = excluded.application_statuses, application_id = excluded.application_id,
         application_status = excluded.application_status, assessment_id = excluded.assessment_id,
         interview_id = excluded.interview_id, overall_score = excluded.overall_score,
         integrity_score = excluded.integrity_score, assessed_at = excluded.assessed_at,
         last_completed_at = excluded.last_completed_at, unreviewed_assessments = excluded.unreviewed_assessments,
         unreviewed_since = excluded.unreviewed_since, last_activity_at = excluded.last_activity_at,
         refreshed_at = excluded.refreshed_at;
end
$$;
comment on function private.refresh_organization_candidates(uuid) is
  'Recomputes the candidate''s rows of organization_candidates (membership and pipeline summary).';

-- The trigger behind every source table: find the candidate the changed row belongs to.
create or replace function private.follow_organization_candidates() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_row record;
  v_candidate uuid;
begin
  if tg_op = 'DELETE' then
    v_row := old;
  else
    v_row := new;
  end if;
  if tg_table_name = 'candidates' then
    v_candidate := v_row.id;
  elsif tg_table_name = 'assessment_results' then
    select i.candidate_id into v_candidate from public.interviews i where i.id = v_row.interview_id;
  elsif tg_table_name = 'assessment_reviews' then
    select i.candidate_id into v_candidate
      from public.assessment_results r join public.interviews i on i.id = r.interview_id where r.id = v_row.assessment_id;
  else
    v_candidate := v_row.candidate_id;
  end if;
  if v_candidate is not null then
    perform private.refresh_organization_candidates(v_candidate);
  end if;
  return null;
end
$$;
comment on function private.follow_organization_candidates() is 'Refreshes the pipeline rows of the candidate a changed row belongs to.';

revoke execute on function private.refresh_organization_candidates(uuid), private.follow_organization_candidates()
  from public, anon, authenticated;

-- Deferred to commit: the refresh sees the transaction's final state and takes its lock last.
create constraint trigger organization_candidates_follow_new_candidates after insert on public.candidates
  deferrable initially deferred for each row execute function private.follow_organization_candidates();
create constraint trigger organization_candidates_follow_candidate_changes after update on public.candidates
  deferrable initially deferred for each row
  when (old.full_name is distinct from new.full_name or old.email is distinct from new.email
        or old.organization_id is distinct from new.organization_id)
  execute function private.follow_organization_candidates();

create constraint trigger organization_candidates_follow_resumes after insert or delete on public.resumes
  deferrable initially deferred for each row execute function private.follow_organization_candidates();
create constraint trigger organization_candidates_follow_resume_parsing after update on public.resumes
  deferrable initially deferred for each row
  when (old.parsing_status is distinct from new.parsing_status or old.parsed_data is distinct from new.parsed_data)
  execute function private.follow_organization_candidates();

create constraint trigger organization_candidates_follow_interviews after insert or delete on public.interviews
  deferrable initially deferred for each row execute function private.follow_organization_candidates();
create constraint trigger organization_candidates_follow_interview_status after update on public.interviews
  deferrable initially deferred for each row
  when (old.status is distinct from new.status or old.role_type is distinct from new.role_type)
  execute function private.follow_organization_candidates();

create constraint trigger organization_candidates_follow_applications after insert or delete on public.applications
  deferrable initially deferred for each row execute function private.follow_organization_candidates();
create constraint trigger organization_candidates_follow_application_moves after update on public.applications
  deferrable initially deferred for each row
  when (old.status is distinct from new.status)
  execute function private.follow_organization_candidates();

create constraint trigger organization_candidates_follow_assessments after insert or delete on public.assessment_results
  deferrable initially deferred for each row execute function private.follow_organization_candidates();
create constraint trigger organization_candidates_follow_assessment_changes after update on public.assessment_results
  deferrable initially deferred for each row
  when (old.is_current is distinct from new.is_current or old.status is distinct from new.status)
  execute function private.follow_organization_candidates();

create constraint trigger organization_candidates_follow_reviews after insert or delete on public.assessment_reviews
  deferrable initially deferred for each row execute function private.follow_organization_candidates();

-- Existing candidates get their rows now.
select private.refresh_organization_candidates(c.id) from public.candidates c;
