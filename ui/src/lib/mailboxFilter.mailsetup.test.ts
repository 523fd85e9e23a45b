import { describe, expect, it } from "vitest";
import type { Mailbox } from "./bindings/Mailbox";
import { domainsOf, filterEntries, prepare, sortEntries, usage } from "./mailboxFilter";

const GB = 1024 ** 3;

function mailbox(address: string, name: string, used: number, quota: number, active = true): Mailbox {
  return { address, name, used_bytes: used * GB, quota_bytes: quota * GB, active };
}

const list = [
  mailbox("info@a.de", "Info", 4.7, 5),
  mailbox("anna@b.de", "Anna Müller", 1, 10),
  mailbox("archiv@a.de", "Archiv", 3, 0),
  mailbox("buchhaltung@a.de", "Buchhaltung", 1.8, 2, false),
];

const addresses = (entries: { mailbox: Mailbox }[]) => entries.map((e) => e.mailbox.address);

describe("mailsetup: mailbox filter", () => {
  it("searches address and name, case-insensitively, and filters by domain", () => {
    const entries = prepare(list);
    expect(addresses(filterEntries(entries, "MÜLLER", ""))).toEqual(["anna@b.de"]);
    expect(addresses(filterEntries(entries, "  a.de ", ""))).toEqual(["info@a.de", "archiv@a.de", "buchhaltung@a.de"]);
    expect(addresses(filterEntries(entries, "", "b.de"))).toEqual(["anna@b.de"]);
    expect(addresses(filterEntries(entries, "info", "b.de"))).toEqual([]);
    // Nothing to filter: the same array, no copy.
    expect(filterEntries(entries, " ", "")).toBe(entries);
    expect(domainsOf(entries)).toEqual(["a.de", "b.de"]);
  });

  it("sorts by usage either way, unlimited mailboxes last, ties by address", () => {
    const entries = prepare([...list, mailbox("zeta@a.de", "Zeta", 1, 10)]);
    expect(addresses(sortEntries(entries, "usage-desc"))).toEqual([
      "info@a.de",
      "buchhaltung@a.de",
      "anna@b.de",
      "zeta@a.de",
      "archiv@a.de",
    ]);
    expect(addresses(sortEntries(entries, "usage-asc"))).toEqual([
      "anna@b.de",
      "zeta@a.de",
      "buchhaltung@a.de",
      "info@a.de",
      "archiv@a.de",
    ]);
    expect(addresses(sortEntries(entries, "address"))[0]).toBe("anna@b.de");
    // Filtering keeps the chosen order.
    const sorted = sortEntries(entries, "usage-desc");
    expect(addresses(filterEntries(sorted, "", "a.de"))).toEqual(["info@a.de", "buchhaltung@a.de", "zeta@a.de", "archiv@a.de"]);
  });

  it("adds up what the mailboxes are given and use", () => {
    expect(usage(list)).toEqual({ count: 4, assignedBytes: 17 * GB, usedBytes: 10.5 * GB });
  });

  it("filters 10,000 mailboxes in a few milliseconds", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => mailbox(`user.${i}@d${i % 7}.de`, `User ${i}`, i % 5, 5));
    const entries = sortEntries(prepare(many), "usage-desc");
    const started = performance.now();
    let found = 0;
    for (const q of ["u", "us", "use", "user", "user.", "user.9", "user.99", "user.999"]) {
      found = filterEntries(entries, q, "").length;
    }
    const perKeystroke = (performance.now() - started) / 8;
    expect(found).toBe(11); // user.999, user.9990 … user.9999
    // Generous bound for a loaded CI machine; the point is "no stall", not a benchmark.
    expect(perKeystroke).toBeLessThan(50);
  });
});
