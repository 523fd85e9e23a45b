import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Dashboard from "./Dashboard.svelte";
import type { Dashboard as DashboardData } from "../lib/bindings/Dashboard";
import { locale } from "../lib/i18n.svelte";
import { app } from "../lib/app.svelte";
import type { Connection } from "../lib/bindings/Connection";
import type { MailcowSummary } from "../lib/bindings/MailcowSummary";
import { until } from "../test/util";

const plain = (s: string | null | undefined) => (s ?? "").replace(/[\u00a0\u202f]/g, " ").trim();

function inDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const own: DashboardData = {
  account: {
    id: "acc-100001",
    customer_number: "100001",
    name: "Müller Webdesign",
    is_own: true,
    role: { name: "Full Access", permissions: ["invoices", "services", "domains", "mailboxes"] },
  },
  last_synced: "2026-11-25T08:00:00Z",
  open_total_cents: 8794,
  open_count: 3,
  overdue_total_cents: 7021,
  overdue_count: 2,
  attention_invoices: [
    {
      number: "RE-2026-000118",
      issue_date: "2026-10-22",
      due_date: "2026-11-05",
      amount_cents: 4641,
      currency: "EUR",
      status: "overdue",
      dunning_level: 1,
      paid_on: null,
    },
  ],
  suspended_services: [
    {
      id: "s-2",
      kind: "mail",
      product: "Managed mailcow",
      status: "suspended",
      term_months: 1,
      period_end: "2026-12-01",
      status_reason: "Unpaid invoice RE-2026-000107",
      mail_allowance: null,
    },
  ],
  expiring_domains: [
    { name: "mueller-webdesign.de", expires_on: inDays(12), transfer_lock: true, auto_renew: false, status: "active", lock_changed_at: null, service_ids: [], invoice_numbers: [] },
  ],
  mailboxes_near_quota: [
    { address: "info@mueller-webdesign.de", name: "Info", quota_bytes: 100, used_bytes: 94, active: true },
  ],
  not_permitted: [],
};

const shared: DashboardData = {
  ...own,
  account: {
    id: "acc-200002",
    customer_number: "200002",
    name: "Bäckerei Schmidt GmbH",
    is_own: false,
    role: { name: "Accounting", permissions: ["invoices"] },
  },
  overdue_total_cents: 0,
  overdue_count: 0,
  attention_invoices: [],
  suspended_services: [],
  expiring_domains: [],
  mailboxes_near_quota: [],
  not_permitted: ["services", "domains", "mailboxes", "users"],
};

function serve() {
  mockIPC((cmd, args) => {
    if (cmd !== "dashboard") return undefined;
    return (args as { accountId: string }).accountId === "acc-200002" ? shared : own;
  });
}

async function show(accountId: string) {
  const target = document.createElement("div");
  const component = mount(Dashboard, { target, props: { accountId } });
  await until(() => target.querySelector(`[data-testid=dashboard][data-account-id="${accountId}"]`) !== null);
  return { target, done: () => unmount(component) };
}

afterEach(() => {
  clearMocks();
  locale.lang = "en";
  app.connections = [];
});

describe("dashboard", () => {
  it("shows totals and what needs attention, in English", async () => {
    serve();
    locale.lang = "en";
    const { target, done } = await show("acc-100001");
    const text = (id: string) => plain(target.querySelector(`[data-testid=${id}]`)?.textContent);
    expect(text("open-total")).toBe("€87.94");
    expect(text("overdue-total")).toBe("€70.21");
    const rows = target.querySelectorAll("[data-testid=attention-invoice]");
    expect([...rows].map((r) => r.getAttribute("data-number"))).toEqual(["RE-2026-000118"]);
    expect(rows[0]?.textContent).toContain("Payment reminder");
    expect(target.textContent).toContain("Unpaid invoice RE-2026-000107");
    expect(target.textContent).toContain("12 days left");
    expect(plain(target.textContent)).toContain("94%");
    expect(target.querySelector("[data-testid=not-permitted]")).toBeNull();
    done();
  });

  it("speaks German with German money", async () => {
    serve();
    locale.lang = "de";
    const { target, done } = await show("acc-100001");
    expect(plain(target.querySelector("[data-testid=overdue-total]")?.textContent)).toBe("70,21 €");
    expect(target.textContent).toContain("Zahlungserinnerung");
    expect(target.textContent).toContain("noch 12 Tage");
    done();
  });

  it("says which cards the role does not permit, and that nothing is overdue", async () => {
    serve();
    const { target, done } = await show("acc-200002");
    // Suspended services, expiring domains and mailboxes near quota.
    expect(target.querySelectorAll("[data-testid=not-permitted]")).toHaveLength(3);
    const empty = target.querySelectorAll("[data-testid=empty-state]");
    expect(empty).toHaveLength(1);
    expect(empty[0]?.textContent).toContain("Nothing overdue");
    expect(target.querySelector("[data-testid=attention-invoice]")).toBeNull();
    done();
  });

  it("mailcow: with a mailcow connection beside the portal, shows the mailcow's own figures", async () => {
    const summary: MailcowSummary = {
      connections: 1,
      domains: 2,
      mailboxes: 7,
      used_bytes: 3 * 1024 ** 3,
      allowed_bytes: 10 * 1024 ** 3,
      nearly_full: 1,
      fullest: [
        {
          address: "anna@example.test",
          domain: "example.test",
          name: "Anna",
          quota_bytes: 100,
          used_bytes: 95,
          percent: 95,
          messages: 3,
          active: true,
          last_login: null,
          source: "mailcow",
          connection_id: "mc-1",
          account_id: null,
        },
      ],
    };
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      if (cmd === "dashboard") return own;
      if (cmd === "mailcow_summary") return summary;
      return undefined;
    });
    const { target, done } = await show("acc-100001");
    // No connection: no mailcow tiles, and no question for them.
    expect(target.querySelector("[data-testid=dashboard-mailcow]")).toBeNull();
    expect(asked).not.toContain("mailcow_summary");
    done();

    app.connections = [{ id: "mc-1" } as Connection];
    const again = await show("acc-100001");
    await until(() => again.target.querySelector("[data-testid=mailcow-tiles][data-ready]") !== null);
    const text = (id: string) => plain(again.target.querySelector(`[data-testid=${id}]`)?.textContent);
    expect(text("mcdash-mailbox-count")).toBe("7");
    expect(text("mcdash-storage")).toContain("3 GB");
    expect(text("mcdash-storage")).toContain("of 10 GB allowed");
    expect(text("mcdash-full")).toContain("anna@example.test (95 %)");
    // The portal's tiles are still there.
    expect(text("open-total")).toBe("€87.94");
    again.done();
  });
});
