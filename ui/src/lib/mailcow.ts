// The rules the mailcow forms apply while the user types, as pure functions: the quota a
// new or changed mailbox may have within its domain's allowance, which mailboxes a
// connection may change, the alias targets, the connections' labels. The core checks the
// same rules again, and the server has the last word.

import type { Connection } from "./bindings/Connection";
import type { ConnectionState } from "./bindings/ConnectionState";
import type { MailboxEntry } from "./bindings/MailboxEntry";
import type { MailcowDomainEntry } from "./bindings/MailcowDomainEntry";

/** The hosted mailcow of Servercow customers; editable under "Advanced". */
export const HOSTED_MAILCOW_URL = "https://hosted.mailcow.de";

export const MIB = 1024 * 1024;

/** From this share of its quota a mailbox counts as nearly full (as the alerts do). */
export const NEARLY_FULL_PERCENT = 90;

/** The host of a mailcow address, for labels. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** "anna@example.com · hosted.mailcow.de" or "API key · mail.example.com". */
export function connectionLabel(c: Pick<Connection, "user" | "url">, apiKeyWord: string): string {
  return `${c.user ?? apiKeyWord} · ${hostOf(c.url)}`;
}

export type Tone = "ok" | "warn" | "error";

export function stateTone(state: ConnectionState): Tone {
  switch (state) {
    case "connected":
      return "ok";
    case "signed_out":
    case "needs_totp":
      return "warn";
    default:
      return "error";
  }
}

/** Whole MiB, rounded down (a quota is never shown larger than it is). */
export function toMib(bytes: number): number {
  return Math.floor(bytes / MIB);
}

export interface QuotaLimit {
  /** The largest quota this mailbox may get, in MiB; null when nothing limits it. */
  max: number | null;
  /** The domain's storage still to give, in MiB; null when the domain has no limit. */
  left: number | null;
}

/**
 * The quota a mailbox of `domain` may have. `currentQuotaBytes` is the mailbox's own
 * quota when it is changed (it is given back before the new one is taken).
 */
export function quotaLimit(domain: MailcowDomainEntry | undefined, currentQuotaBytes = 0): QuotaLimit {
  if (!domain) return { max: null, left: null };
  const left =
    domain.storage_allowed_bytes > 0
      ? Math.max(0, toMib(domain.storage_allowed_bytes - domain.storage_assigned_bytes + currentQuotaBytes))
      : null;
  const perMailbox = domain.max_mailbox_quota_bytes > 0 ? toMib(domain.max_mailbox_quota_bytes) : null;
  const candidates = [left, perMailbox].filter((n): n is number => n !== null);
  return { max: candidates.length ? Math.min(...candidates) : null, left };
}

export type QuotaProblem = { key: "mcb.quotaWhole" } | { key: "mcb.quotaTooBig"; max: number } | null;

/** What is wrong with a typed quota, or null. */
export function quotaProblem(value: string | number, limit: QuotaLimit): QuotaProblem {
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) return { key: "mcb.quotaWhole" };
  if (limit.max !== null && Number(text) > limit.max) return { key: "mcb.quotaTooBig", max: limit.max };
  return null;
}

/** The quota a new mailbox starts with: the domain's default, within what is left. */
export function defaultQuotaMib(domain: MailcowDomainEntry | undefined): number {
  const wanted = domain && domain.default_mailbox_quota_bytes > 0 ? toMib(domain.default_mailbox_quota_bytes) : 1024;
  const { max } = quotaLimit(domain);
  return Math.max(1, max === null ? wanted : Math.min(wanted, max));
}

/** Whether the domain may get another mailbox. */
export function domainFull(domain: MailcowDomainEntry | undefined): boolean {
  return !!domain && domain.mailboxes_allowed > 0 && domain.mailboxes_used >= domain.mailboxes_allowed;
}

export type ChangeBlock = "portalOnly" | "readOnly" | null;

/** Why a row cannot be changed here, or null when its connection may write. */
export function changeBlock(entry: Pick<MailboxEntry, "connection_id">, connections: Connection[]): ChangeBlock {
  if (!entry.connection_id) return "portalOnly";
  const connection = connections.find((c) => c.id === entry.connection_id);
  if (connection?.access === "read_only") return "readOnly";
  return null;
}

/** The alias targets from what was typed: split at commas, blanks and new lines. */
export function parseTargets(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** The mailboxes at or above the nearly-full mark, fullest first. */
export function nearlyFull(entries: MailboxEntry[]): MailboxEntry[] {
  return entries
    .filter((e) => e.percent !== null && e.percent >= NEARLY_FULL_PERCENT)
    .sort((a, b) => (b.percent ?? 0) - (a.percent ?? 0));
}

/** The writable domains a new mailbox can go to, by name. */
export function writableDomains(domains: MailcowDomainEntry[], connections: Connection[]): MailcowDomainEntry[] {
  const writable = new Set(connections.filter((c) => c.access === "read_write").map((c) => c.id));
  return domains.filter((d) => writable.has(d.connection_id)).sort((a, b) => a.name.localeCompare(b.name));
}
