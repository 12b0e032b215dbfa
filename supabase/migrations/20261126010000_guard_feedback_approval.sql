-- Feedback approval is a workflow, not a column anyone may write (F5). Recruiters used to hold
-- UPDATE on status, approved_by and approved_at, so over REST they could mark feedback 'sent'
-- without an email ever being queued, name someone else as the approver, back-date the approval
-- or reopen and rewrite feedback the candidate had already received.
--
-- Now `authenticated` may update only the three content columns, only while the feedback awaits
-- approval. Approval is done by the feedback function: it locks the row under the caller's RLS
-- (the update policy decides who may manage it), then sets status, approver and time and queues
-- the email as service_role in the same transaction; the email job marks it sent. A trigger
-- refuses workflow columns written by a client role (should a grant ever reappear) and allows
-- only forward status moves for everyone, so sent feedback stays sent.

revoke update on public.resume_feedback from anon, authenticated;
grant update (feedback_content, identified_gaps, recommended_resources) on public.resume_feedback to authenticated;

-- Security invoker on purpose: current_user is the caller's role (authenticated over REST and in
-- user transactions, service_role for jobs, the owner inside security definer functions).
create or replace function private.guard_feedback_update() returns trigger
language plpgsql set search_path = '' as $$
begin
  if new.status is distinct from old.status
     and not (old.status, new.status) in (
       ('draft', 'pending_approval'),
       ('pending_approval', 'approved'),
       ('approved', 'sent'),
       ('failed', 'sent'),        -- a retried email that finally went out
       ('draft', 'failed'), ('pending_approval', 'failed'), ('approved', 'failed'))
  then
    raise exception 'feedback cannot move from % to %', old.status, new.status
      using errcode = 'P0001', hint = 'INVALID_TRANSITION';
  end if;
  if current_user in ('anon', 'authenticated') then
    if new.status is distinct from old.status or new.approved_by is distinct from old.approved_by
       or new.approved_at is distinct from old.approved_at or new.sent_at is distinct from old.sent_at then
      raise exception 'feedback is approved and sent only through the approval workflow' using errcode = '42501';
    end if;
    if old.status <> 'pending_approval' then
      raise exception 'feedback can be edited only while it awaits approval (it is %)', old.status using errcode = '42501';
    end if;
  end if;
  return new;
end
$$;
comment on function private.guard_feedback_update() is
  'Forward-only feedback status moves; clients edit content only while pending and never the workflow columns.';
revoke execute on function private.guard_feedback_update() from public, anon, authenticated;

create trigger resume_feedback_guard_workflow before update on public.resume_feedback
  for each row execute function private.guard_feedback_update();
