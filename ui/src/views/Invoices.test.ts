import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import Invoices from "./Invoices.svelte";
import type { Invoice } from "../lib/bindings/Invoice";
import type { Listing } from "../lib/bindings/Listing";
import type { Window } from "../lib/bindings/Window";
import type { YearTotal } from "../lib/bindings/YearTotal";
import { invoice, invoiceRows, invoiceWindow, listing } from "../test/invoices";
import { stubResizeObserver, until } from "../test/util";

stubResizeObserver();

const data: Record<string, Listing<Invoice>> = {
  "acc-1": listing("RE-2026-000001", "RE-2026-000002"),
  "acc-2": listing("RE-2026-000099"),
  "acc-3": { items: [], permitted: false, last_synced: null },
};

const years: YearTotal[] = [
  { year: 2026, count: 2, total_cents: 3546, paid_cents: 0, unpaid_cents: 3546 },
];

type Args = { accountId: string; window?: Window };

afterEach(() => clearMocks());

describe("invoice list", () => {
  it("lists the account's invoices with their reminder, and the totals per year", async () => {
    mockIPC((cmd, args) => {
      const a = args as Args;
      if (cmd === "invoice_window") return invoiceWindow(data[a.accountId]!, a.window!);
      if (cmd === "invoice_years") return years;
    });
    const target = document.createElement("div");
    const component = mount(Invoices, { target, props: { accountId: "acc-1" } });
    await until(() => invoiceRows(target).length === 2);
    expect(invoiceRows(target)).toEqual(["RE-2026-000001", "RE-2026-000002"]);
    expect(target.querySelector("[data-testid=invoice-list]")?.getAttribute("data-account-id")).toBe("acc-1");
    expect(target.textContent).toContain("Payment reminder");
    await until(() => target.querySelector("[data-testid=year-total]") !== null);
    expect(target.querySelector("[data-testid=year-total]")?.getAttribute("data-year")).toBe("2026");
    expect(target.querySelector("[data-testid=invoice-count]")?.textContent).toBe("2 of 2 invoices");
    unmount(component);
  });

  it("perf: asks for windows of a long list, never the whole", async () => {
    const many: Listing<Invoice> = {
      items: Array.from({ length: 5000 }, (_, n) => invoice(`RE-2026-${String(n).padStart(6, "0")}`)),
      permitted: true,
      last_synced: null,
    };
    const asked: Window[] = [];
    mockIPC((cmd, args) => {
      const a = args as Args;
      if (cmd === "invoice_window") {
        asked.push(a.window!);
        return invoiceWindow(many, a.window!);
      }
      if (cmd === "invoice_years") return years;
    });
    const target = document.createElement("div");
    const component = mount(Invoices, { target, props: { accountId: "acc-1" } });
    await until(() => invoiceRows(target).length > 0);
    // Only the rows in view are on the page, and no answer carried more than a chunk.
    expect(invoiceRows(target).length).toBeLessThan(60);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((w) => w.limit <= 100)).toBe(true);
    expect(target.querySelector("[data-testid=invoice-count]")?.textContent).toBe("5,000 of 5,000 invoices");
    unmount(component);
  });

  it("says when the role does not include invoices", async () => {
    mockIPC((cmd, args) => {
      const a = args as Args;
      if (cmd === "invoice_window") return invoiceWindow(data["acc-3"]!, a.window!);
      if (cmd === "invoice_years") return [];
    });
    const target = document.createElement("div");
    const component = mount(Invoices, { target, props: { accountId: "acc-3" } });
    await until(() => target.querySelector("[data-testid=not-permitted]") !== null);
    expect(invoiceRows(target)).toEqual([]);
    unmount(component);
  });
});
