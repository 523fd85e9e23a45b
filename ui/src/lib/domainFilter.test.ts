import { describe, expect, it } from "vitest";
import type { Domain } from "./bindings/Domain";
import { matchesDomainFilter } from "./domainFilter";

const today = new Date(2026, 10, 25);
const domain = (name: string, expires_on: string, transfer_lock: boolean): Domain => ({
  name,
  expires_on,
  transfer_lock,
  auto_renew: true,
  status: "active",
  lock_changed_at: null,
  service_ids: [],
  invoice_numbers: [],
});

describe("domain filters", () => {
  const soon = domain("mueller-webdesign.de", "2026-12-07", true);
  const later = domain("mueller-shop.eu", "2027-06-01", false);

  it("finds by part of the name, ignoring case and spaces", () => {
    expect(matchesDomainFilter(soon, " Webdesign ", "all", today)).toBe(true);
    expect(matchesDomainFilter(later, "webdesign", "all", today)).toBe(false);
  });

  it("filters expiring within 30 days and unlocked", () => {
    expect(matchesDomainFilter(soon, "", "expiring", today)).toBe(true);
    expect(matchesDomainFilter(later, "", "expiring", today)).toBe(false);
    expect(matchesDomainFilter(domain("x.de", "2026-12-25", true), "", "expiring", today)).toBe(true);
    expect(matchesDomainFilter(domain("x.de", "2026-12-26", true), "", "expiring", today)).toBe(false);
    expect(matchesDomainFilter(later, "", "unlocked", today)).toBe(true);
    expect(matchesDomainFilter(soon, "", "unlocked", today)).toBe(false);
  });
});
