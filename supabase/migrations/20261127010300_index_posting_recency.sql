-- Staff search their organization's postings of any status together with everyone's open ones
-- (issue 16), newest first by default. The only recency index covers open postings alone, so that
-- list sorted the whole table for each page (50,000 postings: 40-90 ms; bench/job_search.py).
-- With every posting in created_at order the page is the first rows the policy admits.

create index job_postings_created_idx on public.job_postings (created_at desc, id);
