-- A candidate may add a short cover note when applying (API: POST /applications). The insert
-- grant is per column, so the new column is granted explicitly.

alter table public.applications
  add column cover_note text check (length(cover_note) <= 5000);
comment on column public.applications.cover_note is 'The candidate''s optional note to the recruiter, written when applying.';

grant insert (cover_note) on public.applications to authenticated;
