import { describe, expect, it } from "vitest";
import type { Connection } from "./bindings/Connection";
import type { MailboxEntry } from "./bindings/MailboxEntry";
import type { MailcowDomainEntry } from "./bindings/MailcowDomainEntry";
import { changeBlock, connectionLabel, defaultQuotaMib, domainFull, nearlyFull, parseTargets, quotaLimit, quotaProblem, MIB } from "./mailcow";

const domain: MailcowDomainEntry = {
  connection_id: "mailcow-aa",
  name: "example.test",
  active: true,
  mailboxes_used: 2,
  mailboxes_allowed: 3,
  aliases_used: 0,
  aliases_allowed: 10,
  storage_used_bytes: 0,
  storage_assigned_bytes: 1500 * MIB,
  storage_allowed_bytes: 2048 * MIB,
  max_mailbox_quota_bytes: 1024 * MIB,
  default_mailbox_quota_bytes: 1024 * MIB,
};

function connection(id: string, access: Connection["access"]): Connection {
  return { id, kind: "api_key", url: "https://mail.example.test", user: null, access, state: "connected", last_error: null, last_error_de: null, last_synced: null, domains: 1, mailboxes: 1 };
}

function mailbox(address: string, percent: number | null, connection_id: string | null): MailboxEntry {
  return { address, domain: "example.test", name: "", quota_bytes: 0, used_bytes: 0, percent, messages: null, active: true, last_login: null, source: connection_id ? "mailcow" : "portal", connection_id, account_id: null };
}

describe("mailcow form rules", () => {
  it("mailcow quota stays within the domain's storage left and the per-mailbox maximum", () => {
    expect(quotaLimit(domain)).toEqual({ max: 548, left: 548 });
    // A changed mailbox gives its own quota back first.
    expect(quotaLimit(domain, 500 * MIB)).toEqual({ max: 1024, left: 1048 });
    expect(quotaLimit(undefined)).toEqual({ max: null, left: null });
    expect(quotaProblem("600", quotaLimit(domain))).toEqual({ key: "mcb.quotaTooBig", max: 548 });
    expect(quotaProblem("548", quotaLimit(domain))).toBeNull();
    expect(quotaProblem("0", quotaLimit(domain))).toEqual({ key: "mcb.quotaWhole" });
    expect(quotaProblem("1.5", quotaLimit(domain))).toEqual({ key: "mcb.quotaWhole" });
    // The default quota never exceeds what is left.
    expect(defaultQuotaMib(domain)).toBe(548);
  });

  it("mailcow domain full, alias targets, nearly full mailboxes", () => {
    expect(domainFull(domain)).toBe(false);
    expect(domainFull({ ...domain, mailboxes_used: 3 })).toBe(true);
    expect(parseTargets("a@x.test, b@x.test\nc@x.test;;")).toEqual(["a@x.test", "b@x.test", "c@x.test"]);
    const rows = [mailbox("a@x", 50, "c"), mailbox("b@x", 95, "c"), mailbox("c@x", 90, "c"), mailbox("d@x", null, "c")];
    expect(nearlyFull(rows).map((m) => m.address)).toEqual(["b@x", "c@x"]);
  });

  it("mailcow rows change only through a read-write connection", () => {
    const connections = [connection("mailcow-rw", "read_write"), connection("mailcow-ro", "read_only")];
    expect(changeBlock(mailbox("a@x", 1, "mailcow-rw"), connections)).toBeNull();
    expect(changeBlock(mailbox("a@x", 1, "mailcow-ro"), connections)).toBe("readOnly");
    expect(changeBlock(mailbox("a@x", 1, null), connections)).toBe("portalOnly");
    expect(connectionLabel({ user: null, url: "https://mail.example.test/" }, "API key")).toBe("API key · mail.example.test");
    expect(connectionLabel({ user: "anna@example.test", url: "https://hosted.mailcow.de" }, "API key")).toBe("anna@example.test · hosted.mailcow.de");
  });
});
