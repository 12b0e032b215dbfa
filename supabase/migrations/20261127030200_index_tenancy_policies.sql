-- The tenancy policies, index-friendly (issue 17). Staff of an organization still see a
-- candidate's data exactly when the candidate registered through it or applied to one of its
-- postings (F7); what changes is how a policy asks.
--
-- Until now each policy called access.staff_sees_candidate() or access.staff_sees_interview()
-- for every row it looked at. Those security definer helpers cannot be inlined, and each call
-- re-plans the helpers it calls in turn: about 0.1 ms per row, so counting one organization's
-- candidates among 20,000 took seconds. The membership is now a table
-- (public.organization_candidates, kept by triggers), and the policies ask it directly:
--   * tables keyed by candidate test `candidate_id in (the organization's candidate ids)`, an
--     uncorrelated subquery that Postgres runs once per statement and probes as a hash;
--   * tables keyed by interview read the interview under its own policy, one primary-key probe
--     per row: `interview_id = (select i.id from interviews i where i.id = interview_id)`. Not
--     EXISTS: the planner turns that into a hash of every interview the caller sees (it charges
--     the interview policy's one-off hash to every probe), 10 ms and more for one interview's rows.
-- access.staff_organization_id() is wrapped in a select so it is evaluated once (an initplan).
-- The helpers stay (Storage's policy and staff_manages_candidate use them) and now read the same
-- table.

create or replace function access.staff_sees_candidate(p_candidate_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.organization_candidates m
                  where m.organization_id = access.staff_organization_id() and m.candidate_id = p_candidate_id)
$$;
comment on function access.staff_sees_candidate(uuid) is
  'True when the caller is active staff of an organization the candidate applied to or registered through.';

alter policy "Candidates read themselves and staff read their organization's candidates" on public.candidates
  using (id = (select auth.uid())
         or id in (select m.candidate_id from public.organization_candidates m
                    where m.organization_id = (select access.staff_organization_id())));

alter policy "Candidates read their resumes and staff read their organization's" on public.resumes
  using (candidate_id = (select auth.uid())
         or candidate_id in (select m.candidate_id from public.organization_candidates m
                              where m.organization_id = (select access.staff_organization_id())));

alter policy "Candidates read sent feedback and staff read their organization's" on public.resume_feedback
  using ((candidate_id = (select auth.uid()) and status = 'sent')
         or candidate_id in (select m.candidate_id from public.organization_candidates m
                              where m.organization_id = (select access.staff_organization_id())));
alter policy "Recruiters edit their organization's feedback" on public.resume_feedback
  using ((select access.can_manage())
         and candidate_id in (select m.candidate_id from public.organization_candidates m
                               where m.organization_id = (select access.staff_organization_id())))
  with check ((select access.can_manage())
              and candidate_id in (select m.candidate_id from public.organization_candidates m
                                    where m.organization_id = (select access.staff_organization_id())));

alter policy "Candidates read their interviews and staff read their organization's" on public.interviews
  using (candidate_id = (select auth.uid())
         or candidate_id in (select m.candidate_id from public.organization_candidates m
                              where m.organization_id = (select access.staff_organization_id())));

alter policy "Candidates read their recordings and staff read their organization's" on public.video_recordings
  using ((candidate_id = (select auth.uid())
          or candidate_id in (select m.candidate_id from public.organization_candidates m
                               where m.organization_id = (select access.staff_organization_id())))
         and soft_deleted_at is null);

-- Whoever reads the interview (its candidate, or staff of the candidate's organizations) reads its messages.
alter policy "Candidates read their messages and staff read their organization's" on public.interview_messages
  using (interview_id = (select i.id from public.interviews i where i.id = interview_messages.interview_id));

-- Sessions and whole assessments stay staff-only (F6).
alter policy "Staff read their organization's interview sessions" on public.interview_sessions
  using ((select access.is_staff())
         and interview_id = (select i.id from public.interviews i where i.id = interview_sessions.interview_id));
alter policy "Staff read their organization's assessments" on public.assessment_results
  using ((select access.is_staff())
         and interview_id = (select i.id from public.interviews i where i.id = assessment_results.interview_id));
