// The notification centre's state: the counts for the badge, the background sync's
// schedule, and the place an alert leads to (its view, with the item highlighted).

import type { UnlistenFn } from "@tauri-apps/api/event";
import { api, events } from "./api";
import { app, selectAccount, type View } from "./app.svelte";
import type { Alert } from "./bindings/Alert";
import type { AlertCounts } from "./bindings/AlertCounts";
import type { NavTarget } from "./bindings/NavTarget";
import type { Navigation } from "./bindings/Navigation";
import type { SyncSchedule } from "./bindings/SyncSchedule";

interface AlertsState {
  counts: AlertCounts;
  schedule: SyncSchedule | null;
  /** Where the last opened alert pointed; the view highlights that item. */
  highlight: Navigation | null;
  /** Bumped whenever the ledger changed, so the centre reloads. */
  generation: number;
}

export const alerts = $state<AlertsState>({
  counts: { unread: 0, unresolved: 0 },
  schedule: null,
  highlight: null,
  generation: 0,
});

/** Listens for alert and schedule events; returns the function that stops listening. */
export async function watchAlerts(): Promise<() => void> {
  const stops: UnlistenFn[] = await Promise.all([
    events.alertsChanged((counts) => {
      alerts.counts = counts;
      alerts.generation += 1;
    }),
    events.syncSchedule((schedule) => (alerts.schedule = schedule)),
    events.navigateRequested(() => void takeNavigation()),
    events.showAlerts(() => (app.view = "alerts")),
  ]);
  // What happened before the window listened: counts, schedule, a clicked notification.
  await Promise.all([
    api
      .alertCounts()
      .then((c) => {
        if (c) alerts.counts = c;
      })
      .catch(() => {}),
    api.syncSchedule().then((s) => (alerts.schedule = s)).catch(() => {}),
    takeNavigation(),
  ]);
  // Unlistening can fail once the window is going away; nothing is left to clean up then.
  return () => stops.forEach((stop) => void Promise.resolve().then(stop).catch(() => {}));
}

async function takeNavigation(): Promise<void> {
  const navigation = await api.takeNavigation().catch(() => null);
  if (navigation) await navigate(navigation);
}

/** Opens the alert's place in the app and marks the alert read. */
export async function openAlert(alert: Alert): Promise<void> {
  if (!alert.read) {
    await api.markAlertRead(alert.id).catch(() => {});
  }
  await navigate(alert.target);
}

/** Switches to the account and view of `navigation`; the view highlights the item. */
export async function navigate(navigation: Navigation): Promise<void> {
  if (app.accounts.some((a) => a.account.id === navigation.account_id)) {
    await selectAccount(navigation.account_id);
  }
  alerts.highlight = navigation.target.view === "alerts" ? null : navigation;
  app.view = navigation.target.view as View;
}

/** The rows of a view carry their item's key; this finds the row an alert points at. */
export function targetRow(root: ParentNode, target: NavTarget): Element | null {
  const [testid, attribute, value] = rowKey(target) ?? [];
  if (!testid || !attribute) return null;
  const rows = root.querySelectorAll(`[data-testid=${testid}]`);
  return Array.from(rows).find((row) => row.getAttribute(attribute) === value) ?? null;
}

function rowKey(target: NavTarget): [string, string, string] | null {
  switch (target.view) {
    case "invoices":
      return ["invoice-row", "data-number", target.number];
    case "services":
      return ["service-row", "data-service-id", target.id];
    case "mandates":
      return ["mandate-row", "data-id", target.id];
    case "domains":
      return ["domain-row", "data-name", target.name];
    case "mailboxes":
      return ["mailbox-row", "data-address", target.address];
    case "alerts":
      return null;
  }
}

/** "15 minutes", "1 hour", "2 hours" in the message language (keys passed in). */
export function intervalText(
  minutes: number,
  t: (key: "alerts.minutes" | "alerts.hour" | "alerts.hours", p?: Record<string, number>) => string,
): string {
  if (minutes % 60 !== 0) return t("alerts.minutes", { count: minutes });
  const hours = minutes / 60;
  return hours === 1 ? t("alerts.hour") : t("alerts.hours", { count: hours });
}

/** Groups the alerts each account's first sync recorded silently (unread, unresolved). */
export function backfills(list: Alert[]): { accountId: string; account: string; count: number }[] {
  const groups: { accountId: string; account: string; count: number }[] = [];
  for (const alert of list) {
    if (alert.delivery !== "backfill" || alert.read || alert.resolved_at) continue;
    const group = groups.find((g) => g.accountId === alert.account_id);
    if (group) group.count += 1;
    else groups.push({ accountId: alert.account_id, account: alert.account_name, count: 1 });
  }
  return groups;
}
