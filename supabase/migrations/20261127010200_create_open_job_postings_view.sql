-- The public job search (issue 16) filters on full text (@@), salary overlap (&&), stack overlap
-- (&&) and lower(location). None of those operators is leakproof, so under the postings' read
-- policy Postgres may not evaluate them before the policy, which rules them out as index
-- conditions: every search with text, salary, stack or location read the whole table (50,000
-- postings: 20-70 ms a statement; bench/job_search.py) and the GIN, GiST and expression indexes
-- of 20261126200000 went unused.
--
-- What anon and candidates may read of job_postings is exactly the open postings (the policy's
-- other branch, the caller's staff organization, is empty for them), so their search reads this
-- view of the open postings instead. Owned by the migration role, it is not subject to the
-- policy, and its filter is the policy's open branch itself, so it shows nobody anything the
-- table does not. It is not a security_barrier view on purpose: a barrier would hold the search's
-- conditions back behind it again. It lives in schema `search`, which the REST API does not
-- expose, and leaves out created_by. Staff searches, which also see their organization's other
-- postings, keep reading the table under the policy.

create view search.open_job_postings as
select id, organization_id, title, company, description, role_category, tech_stack, required_skills, employment_type,
       work_setup, location, salary_min, salary_max, salary_currency, experience_level, status, is_cancelled,
       cancellation_reason, created_at, updated_at, search_document, salary_range
  from public.job_postings
 where status = 'active' and not is_cancelled;
comment on view search.open_job_postings is
  'Open job postings (active, not cancelled): what anyone may read, for the public search; not subject to the table''s policy.';

revoke all on search.open_job_postings from public, anon, authenticated;
grant select on search.open_job_postings to anon, authenticated;
