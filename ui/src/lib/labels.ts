// Wording that depends on numbers or codes, shared by the dashboard and the lists.

import { t, tOr } from "./i18n.svelte";

export function daysLeft(days: number): string {
  if (days < 0) return t("dash.expired");
  if (days === 0) return t("dash.today");
  if (days === 1) return t("dash.dayLeft");
  return t("dash.daysLeft", { days });
}

export function invoiceCount(count: number): string {
  return count === 1 ? t("dash.invoiceOne") : t("dash.invoiceCount", { count });
}

/** "Payment reminder", "1st dunning notice", ...; empty for level 0. */
export function dunning(level: number): string {
  if (level <= 0) return "";
  return tOr(`dunning.${Math.min(level, 3)}`, "");
}

export function statusLabel(status: string): string {
  return tOr(`status.${status}`, status);
}
