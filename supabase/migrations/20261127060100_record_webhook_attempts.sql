-- What an admin needs to see and trust about deliveries (issue 19): each delivery's schedule
-- (last and next attempt, latency), every attempt it took (the log shows retries with their
-- answers), the message id receivers deduplicate by (kept by a manual redelivery), and, per
-- webhook, the failures in a row that disable it. Written by the delivery job (service role)
-- only; admins of the organization read them.

alter table public.integration_webhooks
  add column consecutive_failures integer not null default 0 check (consecutive_failures >= 0),  -- deliveries failed in a row; a success resets it
  add column disabled_at timestamptz,                                       -- when failures disabled it; null when active or switched off by an admin
  add column disabled_reason text check (length(disabled_reason) <= 500);   -- why, for the admin
comment on column public.integration_webhooks.consecutive_failures is 'Deliveries that failed in a row (each after its retries); reaching WEBHOOK_DISABLE_AFTER_FAILURES disables the webhook.';

alter table public.webhook_deliveries
  add column message_id uuid not null default gen_random_uuid(),           -- the webhook-id header (msg_<hex>); a redelivery keeps its original's
  add column redelivery_of uuid references public.webhook_deliveries (id) on delete set null,  -- the delivery an admin sent again
  add column latency_ms integer check (latency_ms >= 0),                    -- of the last attempt
  add column last_attempt_at timestamptz,
  add column next_attempt_at timestamptz;                                   -- when the next retry is due; null when none is scheduled
comment on column public.webhook_deliveries.payload is 'The event envelope as sent: {type, created_at, data}.';
-- The set-null of redelivery_of when an original is deleted.
create index webhook_deliveries_redelivery_of_idx on public.webhook_deliveries (redelivery_of);

create table public.webhook_delivery_attempts (
  delivery_id uuid not null references public.webhook_deliveries (id) on delete cascade,
  attempt integer not null check (attempt >= 1),            -- 1 for the first try, counting retries
  attempted_at timestamptz not null default now(),
  response_status integer,                                  -- the receiver's HTTP status; null when none came
  latency_ms integer check (latency_ms >= 0),               -- from connecting to the response's headers
  error text check (length(error) <= 500),                  -- why it failed (never the response body)
  primary key (delivery_id, attempt)                        -- an attempt is recorded once, even if its job runs twice
);
comment on table public.webhook_delivery_attempts is 'Every attempt to deliver a webhook event, with the receiver''s answer.';

alter table public.webhook_delivery_attempts enable row level security;

create policy "Admins read delivery attempts of their organization's webhooks" on public.webhook_delivery_attempts
  for select to authenticated
  using ((select access.is_admin()) and exists (
    select 1 from public.webhook_deliveries d join public.integration_webhooks w on w.id = d.webhook_id
     where d.id = webhook_delivery_attempts.delivery_id and w.organization_id = (select access.staff_organization_id())));

revoke all on public.webhook_delivery_attempts from anon, authenticated;
grant select on public.webhook_delivery_attempts to authenticated;
