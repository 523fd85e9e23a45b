// Locale-aware formatting of money, dates, sizes and ages. Pure functions: the locale
// is passed in, so they are easy to test in both languages.

export function money(cents: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}

/** "2026-11-25" -> "25.11.2026" / "25 Nov 2026". Dates are calendar days, not instants. */
export function date(isoDay: string, locale: string): string {
  const [y, m, d] = isoDay.split("-").map(Number);
  const day = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(day);
}

export function dateTime(instant: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(instant),
  );
}

/** Whole days from `today` to `isoDay` (negative when past). */
export function daysUntil(isoDay: string, today: Date): number {
  const [y, m, d] = isoDay.split("-").map(Number);
  const target = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  const start = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((target - start) / 86_400_000);
}

/** "5 minutes ago" / "vor 5 Minuten"; under a minute is "just now" (passed in). */
export function ago(instant: string, now: Date, locale: string, justNow: string): string {
  const seconds = Math.round((new Date(instant).getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 60) return justNow;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return rtf.format(minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return rtf.format(hours, "hour");
  return rtf.format(Math.round(hours / 24), "day");
}

export function bytes(value: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || size >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(size)} ${units[unit]}`;
}

export function percent(used: number, quota: number): number | null {
  return quota > 0 ? Math.min(100, (used * 100) / quota) : null;
}

/** 94 -> "94%" / "94 %". */
export function percentText(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(value / 100);
}

/** A count with the locale's digit grouping: "5,000", "5.000". */
export function count(value: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(value);
}
