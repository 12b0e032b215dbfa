-- The candidate-keyed tenancy policies as a correlated EXISTS (issue 17, measured by
-- bench/recruiter_views.py). Who sees what does not change: staff see a candidate's rows exactly
-- when public.organization_candidates has the (organization, candidate) pair.
--
-- 20261127030200 wrote the test as `candidate_id in (select m.candidate_id ... where
-- m.organization_id = <the caller's organization>)`. Inside an OR that is always a hashed
-- subplan: every statement first reads and hashes all of the organization's candidate ids, so
-- opening one candidate cost as much as counting them all (about 1-2 ms per statement at 4,000
-- candidates, growing with the organization; a candidate's file runs six such statements). As a
-- correlated EXISTS the planner gets both forms (an AlternativeSubPlan) and picks by the rows the
-- statement reads: a primary-key probe of organization_candidates_pkey (organization_id,
-- candidate_id) per row for look-ups and short lists, the same one-off hash as before for counts
-- over many rows. The organization is still evaluated once per statement (a wrapped initplan).

alter policy "Candidates read themselves and staff read their organization's candidates" on public.candidates
  using (id = (select auth.uid())
         or exists (select 1 from public.organization_candidates m
                     where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = candidates.id));

alter policy "Candidates read their resumes and staff read their organization's" on public.resumes
  using (candidate_id = (select auth.uid())
         or exists (select 1 from public.organization_candidates m
                     where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = resumes.candidate_id));

alter policy "Candidates read sent feedback and staff read their organization's" on public.resume_feedback
  using ((candidate_id = (select auth.uid()) and status = 'sent')
         or exists (select 1 from public.organization_candidates m
                     where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = resume_feedback.candidate_id));
alter policy "Recruiters edit their organization's feedback" on public.resume_feedback
  using ((select access.can_manage())
         and exists (select 1 from public.organization_candidates m
                      where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = resume_feedback.candidate_id))
  with check ((select access.can_manage())
              and exists (select 1 from public.organization_candidates m
                           where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = resume_feedback.candidate_id));

alter policy "Candidates read their interviews and staff read their organization's" on public.interviews
  using (candidate_id = (select auth.uid())
         or exists (select 1 from public.organization_candidates m
                     where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = interviews.candidate_id));

alter policy "Candidates read their recordings and staff read their organization's" on public.video_recordings
  using ((candidate_id = (select auth.uid())
          or exists (select 1 from public.organization_candidates m
                      where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = video_recordings.candidate_id))
         and soft_deleted_at is null);

alter policy "Recruiters write notes about their organization's candidates" on public.candidate_notes
  with check ((select access.can_manage())
              and organization_id = (select access.staff_organization_id())
              and author_id = (select auth.uid())
              and exists (select 1 from public.organization_candidates m
                           where m.organization_id = (select access.staff_organization_id()) and m.candidate_id = candidate_notes.candidate_id));
