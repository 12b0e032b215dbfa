-- Recruiters' notes on candidates (issue 17): private to the organization that wrote them, never
-- shown to the candidate nor to another organization that also sees the candidate. A note is
-- authored and timestamped and stays as written (no edits or deletions through the API).

create table public.candidate_notes (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,  -- the team the note belongs to
  candidate_id uuid not null references public.candidates (id) on delete cascade,        -- the candidate it is about
  author_id uuid references public.recruiters (id) on delete set null,                   -- who wrote it (kept if they leave)
  body text not null check (length(btrim(body)) between 1 and 5000),
  created_at timestamptz not null default now()
);
comment on table public.candidate_notes is 'Organization-private notes of recruiters about a candidate.';
-- A candidate's notes, newest first, within the reading organization (also the read policy's column).
create index candidate_notes_candidate_idx on public.candidate_notes (organization_id, candidate_id, created_at desc, id);
-- Cascades from a deleted candidate or recruiter.
create index candidate_notes_candidate_id_idx on public.candidate_notes (candidate_id);
create index candidate_notes_author_idx on public.candidate_notes (author_id);

alter table public.candidate_notes enable row level security;

create policy "Staff read their organization's notes" on public.candidate_notes
  for select to authenticated
  using (organization_id = (select access.staff_organization_id()));

-- Recruiters and admins write, in their own name and organization, about a candidate their
-- organization sees. Viewers cannot.
create policy "Recruiters write notes about their organization's candidates" on public.candidate_notes
  for insert to authenticated
  with check ((select access.can_manage())
              and organization_id = (select access.staff_organization_id())
              and author_id = (select auth.uid())
              and candidate_id in (select m.candidate_id from public.organization_candidates m
                                    where m.organization_id = (select access.staff_organization_id())));

revoke all on public.candidate_notes from anon, authenticated;
grant select on public.candidate_notes to authenticated;
grant insert (organization_id, candidate_id, author_id, body) on public.candidate_notes to authenticated;  -- id and created_at are the database's
