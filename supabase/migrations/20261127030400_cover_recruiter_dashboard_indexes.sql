-- The recruiter dashboard's counts from the index alone (issue 17). Each count (feedback awaiting
-- approval, failed resumes, interviews completed this week, assessments to review, applications
-- per posting) reads every
-- matching row of every organization and keeps the caller's by the tenancy policy, which needs
-- only candidate_id (and, for feedback, status). Carrying those columns in the partial indexes
-- the counts already use makes them index-only scans instead of a heap visit per row.

-- Feedback awaiting approval: oldest first (the queue), its size, and what is due within the hour.
drop index public.resume_feedback_pending_idx;
create index resume_feedback_pending_idx on public.resume_feedback (generated_at)
  include (candidate_id, auto_send_at, status) where status = 'pending_approval';

-- Failed resumes, newest first (the old index was on the constant parsing_status).
drop index public.resumes_failed_idx;
create index resumes_failed_idx on public.resumes (uploaded_at desc) include (candidate_id) where parsing_status = 'failed';

-- Completed interviews by completion time: the week's completions and the score-pending sweep.
drop index public.interviews_completed_idx;
create index interviews_completed_idx on public.interviews (completed_at) include (candidate_id) where status = 'completed';

-- The organization's review queue, longest waiting first, and its size.
drop index public.organization_candidates_unreviewed_idx;
create index organization_candidates_unreviewed_idx on public.organization_candidates (organization_id, unreviewed_since, candidate_id)
  include (unreviewed_assessments) where unreviewed_assessments > 0;

-- Applications per open posting and status: counted from the index (the policy needs candidate_id).
create index applications_posting_status_idx on public.applications (job_posting_id, status) include (candidate_id);
