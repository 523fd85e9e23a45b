// Views loaded on first use: each is its own chunk of the bundle, fetched (from the app's
// own files, no network) when it is first shown. The dashboards stay in the main chunk:
// the first paint needs them.

import type { Component } from "svelte";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ViewLoader<P extends Record<string, unknown> = any> = () => Promise<{ default: Component<P> }>;

const cache = new Map<ViewLoader, Component>();

/** The component of `load` if it was loaded before, else null. */
export function loaded<P extends Record<string, unknown>>(load: ViewLoader<P>): Component<P> | null {
  return (cache.get(load) as Component<P> | undefined) ?? null;
}

function lazy<P extends Record<string, unknown>>(importer: () => Promise<{ default: Component<P> }>): ViewLoader<P> {
  const load: ViewLoader<P> = () =>
    importer().then((m) => {
      cache.set(load, m.default as Component);
      return m;
    });
  return load;
}

type Account = { accountId: string };
type None = Record<string, never>;

export const views = {
  invoices: lazy<Account>(() => import("../views/Invoices.svelte")),
  mandates: lazy<Account>(() => import("../views/Mandates.svelte")),
  services: lazy<Account>(() => import("../views/Services.svelte")),
  domains: lazy<Account>(() => import("../views/Domains.svelte")),
  mailboxes: lazy<Account>(() => import("../views/Mailboxes.svelte")),
  billing: lazy<Account>(() => import("../views/BillingSettings.svelte")),
  activity: lazy<Account>(() => import("../views/Activity.svelte")),
  support: lazy<Account>(() => import("../views/Support.svelte")),
  alerts: lazy<None>(() => import("../views/Alerts.svelte")),
  mailSettings: lazy<None>(() => import("../views/MailSettings.svelte")),
  connections: lazy<None>(() => import("../views/Connections.svelte")),
  mailcowMailboxes: lazy<None>(() => import("../views/MailcowMailboxes.svelte")),
  login: lazy<None>(() => import("../views/Login.svelte")),
};
