// Switching accounts must never show the previous account's rows, not even for a frame.

import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Invoices from "./Invoices.svelte";
import Dashboard from "./Dashboard.svelte";
import type { Dashboard as DashboardData } from "../lib/bindings/Dashboard";
import type { Invoice } from "../lib/bindings/Invoice";
import type { Listing } from "../lib/bindings/Listing";
import type { Window } from "../lib/bindings/Window";
import { invoice, invoiceRows as rows, invoiceWindow, listing } from "../test/invoices";
import { deferred, stubResizeObserver, until } from "../test/util";

stubResizeObserver();

type Args = { accountId: string; window: Window };

afterEach(() => clearMocks());

describe("account switch", () => {
  it("hides the previous account's invoices at once, before the next account's arrive", async () => {
    const second = deferred<Listing<Invoice>>();
    mockIPC((cmd, args) => {
      const { accountId: id, window } = args as Args;
      if (cmd === "invoice_years") return [];
      if (cmd !== "invoice_window") return undefined;
      return id === "acc-1"
        ? invoiceWindow(listing("RE-2026-000001", "RE-2026-000002"), window)
        : second.promise.then((l) => invoiceWindow(l, window));
    });
    const target = document.createElement("div");
    const props = $state({ accountId: "acc-1" });
    const component = mount(Invoices, { target, props });
    await until(() => rows(target).length === 2);
    const list = () => target.querySelector("[data-testid=invoice-list]");
    expect(list()?.getAttribute("data-account-id")).toBe("acc-1");

    props.accountId = "acc-2";
    flushSync();
    // The very next render: no row of acc-1, and the list does not claim an account yet.
    expect(rows(target)).toEqual([]);
    expect(list()?.getAttribute("data-account-id")).toBeNull();

    second.resolve(listing("RE-2026-000099"));
    await until(() => rows(target).length === 1);
    expect(rows(target)).toEqual(["RE-2026-000099"]);
    expect(list()?.getAttribute("data-account-id")).toBe("acc-2");
    unmount(component);
  });

  it("drops a late answer for the account that is no longer shown", async () => {
    const first = deferred<Listing<Invoice>>();
    mockIPC((cmd, args) => {
      const { accountId: id, window } = args as Args;
      if (cmd === "invoice_years") return [];
      if (cmd !== "invoice_window") return undefined;
      return id === "acc-1"
        ? first.promise.then((l) => invoiceWindow(l, window))
        : invoiceWindow(listing("RE-2026-000099"), window);
    });
    const target = document.createElement("div");
    const props = $state({ accountId: "acc-1" });
    const component = mount(Invoices, { target, props });
    flushSync();
    props.accountId = "acc-2";
    await until(() => rows(target).length === 1);

    first.resolve(listing("RE-2026-000001", "RE-2026-000002"));
    await first.promise;
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      flushSync();
    }
    expect(rows(target)).toEqual(["RE-2026-000099"]);
    unmount(component);
  });

  it("never shows the previous account's dashboard", async () => {
    const second = deferred<DashboardData>();
    const board = (id: string, name: string, number: string): DashboardData => ({
      account: { id, customer_number: id, name, is_own: true, role: { name: "Full Access", permissions: [] } },
      last_synced: null,
      open_total_cents: 1773,
      open_count: 1,
      overdue_total_cents: 1773,
      overdue_count: 1,
      attention_invoices: [invoice(number)],
      suspended_services: [],
      expiring_domains: [],
      mailboxes_near_quota: [],
      not_permitted: [],
    });
    mockIPC((cmd, args) => {
      const id = (args as { accountId: string }).accountId;
      if (cmd !== "dashboard") return undefined;
      return id === "acc-1" ? board("acc-1", "Müller Webdesign", "RE-1") : second.promise;
    });
    const target = document.createElement("div");
    const props = $state({ accountId: "acc-1" });
    const component = mount(Dashboard, { target, props });
    const shown = () => target.querySelector("[data-testid=dashboard]")?.getAttribute("data-account-id") ?? null;
    await until(() => shown() === "acc-1");

    props.accountId = "acc-2";
    flushSync();
    expect(shown()).toBeNull();
    expect(target.querySelector("[data-testid=attention-invoice]")).toBeNull();
    expect(target.textContent).not.toContain("Müller Webdesign");

    second.resolve(board("acc-2", "Bäckerei Schmidt GmbH", "RE-2"));
    await until(() => shown() === "acc-2");
    expect(target.querySelector("[data-testid=attention-invoice]")?.getAttribute("data-number")).toBe("RE-2");
    unmount(component);
  });
});
