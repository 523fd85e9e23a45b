// Search, domain filter and sort of the mailbox list, as pure functions. Built for
// 10,000 mailboxes: the lowercase search key and the usage share are computed once per
// load (prepare), sorting happens only when the order changes (sortEntries), and a
// keystroke is one linear pass with `includes` (filterEntries), which keeps the order.

import type { Mailbox } from "./bindings/Mailbox";
import { percent } from "./format";

/** From this share of its quota a mailbox is shown as nearly full (as on the dashboard). */
export const QUOTA_WARNING_PERCENT = 90;

export type MailboxSort = "address" | "usage-desc" | "usage-asc";

export interface MailboxEntry {
  readonly mailbox: Mailbox;
  /** Lowercase "address name", searched on each keystroke. */
  readonly key: string;
  /** The part after the @, lowercase. */
  readonly domain: string;
  /** Percent of the quota in use; null for an unlimited quota. */
  readonly share: number | null;
}

export function prepare(mailboxes: readonly Mailbox[]): MailboxEntry[] {
  return mailboxes.map((mailbox) => {
    const at = mailbox.address.lastIndexOf("@");
    return {
      mailbox,
      key: `${mailbox.address} ${mailbox.name}`.toLowerCase(),
      domain: mailbox.address.slice(at + 1).toLowerCase(),
      share: percent(mailbox.used_bytes, mailbox.quota_bytes),
    };
  });
}

/** The domains of the mailboxes, sorted, each once. */
export function domainsOf(entries: readonly MailboxEntry[]): string[] {
  return [...new Set(entries.map((e) => e.domain))].sort();
}

/** A new array in the chosen order; unlimited mailboxes sort after every limited one. */
export function sortEntries(entries: readonly MailboxEntry[], sort: MailboxSort): MailboxEntry[] {
  const byAddress = (a: MailboxEntry, b: MailboxEntry) =>
    a.mailbox.address < b.mailbox.address ? -1 : a.mailbox.address > b.mailbox.address ? 1 : 0;
  const sorted = [...entries];
  if (sort === "address") return sorted.sort(byAddress);
  const sign = sort === "usage-desc" ? -1 : 1;
  return sorted.sort((a, b) => {
    if (a.share === null || b.share === null) {
      if (a.share === b.share) return byAddress(a, b);
      return a.share === null ? 1 : -1;
    }
    return a.share === b.share ? byAddress(a, b) : sign * (a.share - b.share);
  });
}

/** The entries that match the search text and the domain ("" = every domain), in order. */
export function filterEntries(entries: readonly MailboxEntry[], query: string, domain: string): MailboxEntry[] {
  const q = query.trim().toLowerCase();
  if (!q && !domain) return entries as MailboxEntry[];
  return entries.filter((e) => (!domain || e.domain === domain) && (!q || e.key.includes(q)));
}

export interface MailboxUsage {
  count: number;
  /** Storage given to the mailboxes as quota. */
  assignedBytes: number;
  usedBytes: number;
}

export function usage(mailboxes: readonly Mailbox[]): MailboxUsage {
  let assignedBytes = 0;
  let usedBytes = 0;
  for (const m of mailboxes) {
    assignedBytes += m.quota_bytes;
    usedBytes += m.used_bytes;
  }
  return { count: mailboxes.length, assignedBytes, usedBytes };
}
