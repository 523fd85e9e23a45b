// Search and filters of the domain list, as pure functions.

import type { Domain } from "./bindings/Domain";
import { daysUntil } from "./format";

export type DomainFilter = "all" | "expiring" | "unlocked";

/** Expiring within 30 days: the same window as the dashboard (past expiry included). */
export function expiresWithin30Days(domain: Domain, today: Date): boolean {
  return Math.abs(daysUntil(domain.expires_on, today)) <= 30;
}

export function matchesDomainFilter(domain: Domain, query: string, filter: DomainFilter, today: Date): boolean {
  const q = query.trim().toLowerCase();
  if (q && !domain.name.includes(q)) return false;
  if (filter === "expiring") return expiresWithin30Days(domain, today);
  if (filter === "unlocked") return !domain.transfer_lock;
  return true;
}
