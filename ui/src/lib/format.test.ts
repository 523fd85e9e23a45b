import { describe, expect, it } from "vitest";
import { ago, bytes, date, dateFormat, dateTime, daysUntil, money, numberFormat, percent, percentText, time } from "./format";

// Intl may use a narrow no-break space; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

/** An instant and its time of day where the tests run, as "08:05". */
const instant = "2026-11-25T08:05:00Z";
function localTime(at: string): string {
  const local = new Date(at);
  return `${String(local.getHours()).padStart(2, "0")}:${String(local.getMinutes()).padStart(2, "0")}`;
}

describe("format", () => {
  it("formats cents as euros per locale", () => {
    expect(plain(money(123456, "EUR", "de-DE"))).toBe("1.234,56 €");
    expect(plain(money(123456, "EUR", "en-GB"))).toBe("€1,234.56");
    expect(plain(money(-5, "EUR", "de-DE"))).toBe("-0,05 €");
  });

  it("formats calendar days without shifting them across time zones", () => {
    expect(date("2026-03-31", "de-DE")).toBe("31.03.2026");
    expect(date("2026-03-31", "en-GB")).toBe("31 Mar 2026");
  });

  it("formats instants in the local time zone", () => {
    const hhmm = localTime(instant);
    expect(plain(dateTime(instant, "de-DE"))).toContain(hhmm);
    expect(plain(dateTime(instant, "en-GB"))).toContain(hhmm);
    expect(plain(dateTime(instant, "en-GB"))).toContain("2026");
  });

  it("formats the time of day", () => {
    expect(plain(time(instant, "de-DE"))).toBe(localTime(instant));
    expect(plain(time(instant, "en-GB"))).toBe(localTime(instant));
  });

  it("builds each formatter once per locale and options, and keeps them apart", () => {
    const medium = dateFormat("de-DE", { dateStyle: "medium" });
    expect(dateFormat("de-DE", { dateStyle: "medium" })).toBe(medium);
    expect(dateFormat("en-GB", { dateStyle: "medium" })).not.toBe(medium);
    expect(dateFormat("de-DE", { dateStyle: "long" })).not.toBe(medium);
    const euros = numberFormat("de-DE", { style: "currency", currency: "EUR" });
    expect(numberFormat("de-DE", { style: "currency", currency: "EUR" })).toBe(euros);
    expect(numberFormat("de-DE", { style: "currency", currency: "CHF" })).not.toBe(euros);
    expect(numberFormat("de-DE")).not.toBe(euros);
    // A cached formatter formats as a new one would, in either order of first use.
    expect(plain(money(123456, "EUR", "de-DE"))).toBe("1.234,56 €");
    expect(plain(money(123456, "CHF", "de-DE"))).toBe("1.234,56 CHF");
  });

  it("counts whole days", () => {
    const today = new Date(2026, 10, 25, 23, 30);
    expect(daysUntil("2026-11-25", today)).toBe(0);
    expect(daysUntil("2026-12-07", today)).toBe(12);
    expect(daysUntil("2026-11-20", today)).toBe(-5);
  });

  it("says how long ago, in both languages", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(ago("2026-11-25T11:59:30Z", now, "en-GB", "just now")).toBe("just now");
    expect(ago("2026-11-25T11:55:00Z", now, "en-GB", "just now")).toBe("5 minutes ago");
    expect(ago("2026-11-25T11:55:00Z", now, "de-DE", "gerade eben")).toBe("vor 5 Minuten");
    expect(ago("2026-11-25T09:00:00Z", now, "de-DE", "gerade eben")).toBe("vor 3 Stunden");
    expect(ago("2026-11-24T12:00:00Z", now, "en-GB", "just now")).toBe("yesterday");
  });

  it("formats sizes and shares", () => {
    expect(bytes(512, "en-GB")).toBe("512 B");
    expect(bytes(1536 * 1024 * 1024, "de-DE")).toBe("1,5 GB");
    expect(bytes(5 * 1024 ** 3, "en-GB")).toBe("5 GB");
    expect(percent(94, 100)).toBe(94);
    expect(percent(5, 0)).toBeNull();
    expect(percent(150, 100)).toBe(100);
    expect(plain(percentText(94.4, "en-GB"))).toBe("94%");
    expect(plain(percentText(94.4, "de-DE"))).toBe("94 %");
  });
});
