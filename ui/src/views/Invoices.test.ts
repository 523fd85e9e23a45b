import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Invoices from "./Invoices.svelte";
import type { Invoice } from "../lib/bindings/Invoice";
import type { InvoiceList } from "../lib/bindings/InvoiceList";
import type { Listing } from "../lib/bindings/Listing";
import { until } from "../test/util";

function invoice(number: string): Invoice {
  return {
    number,
    issue_date: "2026-10-01",
    due_date: "2026-10-15",
    amount_cents: 1773,
    currency: "EUR",
    status: "overdue",
    dunning_level: 1,
    paid_on: null,
  };
}

const data: Record<string, Listing<Invoice>> = {
  "acc-1": { items: [invoice("RE-2026-000001"), invoice("RE-2026-000002")], permitted: true, last_synced: null },
  "acc-2": { items: [invoice("RE-2026-000099")], permitted: true, last_synced: null },
  "acc-3": { items: [], permitted: false, last_synced: null },
};

function numbers(target: HTMLElement): string[] {
  return [...target.querySelectorAll("[data-testid=invoice-row]")].map(
    (row) => row.getAttribute("data-number") ?? "",
  );
}

/** The billing view's answer for a plain listing. */
function asList(listing: Listing<Invoice>): InvoiceList {
  return {
    items: listing.items.map((invoice) => ({ invoice, overdue: invoice.status === "overdue", pdf_cached: false })),
    total_count: listing.items.length,
    years: [],
    permitted: listing.permitted,
    last_synced: listing.last_synced,
  };
}

afterEach(() => clearMocks());

describe("invoice list", () => {
  it("lists the account's invoices with their reminder", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "billing_invoices") return asList(data[(args as { accountId: string }).accountId]!);
    });
    const target = document.createElement("div");
    const component = mount(Invoices, { target, props: { accountId: "acc-1" } });
    await until(() => numbers(target).length === 2);
    expect(numbers(target)).toEqual(["RE-2026-000001", "RE-2026-000002"]);
    expect(target.querySelector("[data-testid=invoice-list]")?.getAttribute("data-account-id")).toBe("acc-1");
    expect(target.textContent).toContain("Payment reminder");
    unmount(component);
  });

  it("says when the role does not include invoices", async () => {
    mockIPC((cmd) => (cmd === "billing_invoices" ? asList(data["acc-3"]!) : undefined));
    const target = document.createElement("div");
    const component = mount(Invoices, { target, props: { accountId: "acc-3" } });
    await until(() => target.querySelector("[data-testid=not-permitted]") !== null);
    expect(numbers(target)).toEqual([]);
    unmount(component);
  });
});
