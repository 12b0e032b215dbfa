-- Webhook signing secrets leave the table admins read over REST (issue 19). The secret was a
-- plain column of public.integration_webhooks that every admin of the organization could select
-- with their token, forever; a signing secret is shown once, at creation or rotation, and is
-- unreadable afterwards. Each secret is now a row of private.webhook_secrets, sealed by the
-- functions (AES-256-GCM under the application keys of WEBHOOK_SECRET_KEYS, bound to its webhook:
-- shared/secret_box.py), and a webhook has several while a rotation's overlap window lasts.
--
-- Webhooks are created and changed only through the webhooks function, which checks the URL
-- against server-side request forgery (it resolves the host, which SQL cannot do) and writes the
-- row as the service role after reading it under the admin's RLS. Clients keep select and delete
-- (the policies of 20261125100700 still decide whose); insert and update go, with their policies.

create table private.webhook_secrets (
  id uuid primary key default gen_random_uuid(),
  webhook_id uuid not null references public.integration_webhooks (id) on delete cascade,
  sealed bytea not null,            -- nonce || AES-GCM ciphertext and tag of the whsec_ secret
  key_id text not null,             -- fingerprint of the application key that sealed it (never the key)
  created_at timestamptz not null default now(),
  expires_at timestamptz            -- null: the current secret; else when a rotation's overlap ends
);
comment on table private.webhook_secrets is 'Sealed signing secrets of outbound webhooks: the current one and any still overlapping after a rotation.';
-- The secrets that sign a webhook's deliveries, newest first; also serves the cascade from a deleted webhook.
create index webhook_secrets_webhook_idx on private.webhook_secrets (webhook_id, created_at desc);
-- Prevents two current secrets for one webhook (two rotations racing would otherwise both insert one).
create unique index webhook_secrets_current_idx on private.webhook_secrets (webhook_id) where expires_at is null;

alter table private.webhook_secrets enable row level security;
revoke all on private.webhook_secrets from public, anon, authenticated;
grant select, insert, update, delete on private.webhook_secrets to service_role;

alter table public.integration_webhooks drop column secret;
alter table public.integration_webhooks
  add column previous_secret_expires_at timestamptz;  -- after a rotation: until when the previous secret also signs

revoke insert, update on public.integration_webhooks from anon, authenticated;
drop policy "Admins add webhooks to their organization" on public.integration_webhooks;
drop policy "Admins edit their organization's webhooks" on public.integration_webhooks;
