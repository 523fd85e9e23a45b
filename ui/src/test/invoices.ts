// Invoice fixtures for the invoice list's tests: invoices, and the answers the core gives
// for a window of them.

import type { Invoice } from "../lib/bindings/Invoice";
import type { InvoiceLine } from "../lib/bindings/InvoiceLine";
import type { Listing } from "../lib/bindings/Listing";
import type { Window } from "../lib/bindings/Window";
import type { Windowed } from "../lib/bindings/Windowed";

/** An overdue invoice with its first reminder. */
export function invoice(number: string, issueDate = "2026-10-01"): Invoice {
  return {
    number,
    issue_date: issueDate,
    due_date: "2026-10-15",
    amount_cents: 1773,
    currency: "EUR",
    status: "overdue",
    dunning_level: 1,
    paid_on: null,
  };
}

export function listing(...numbers: string[]): Listing<Invoice> {
  return { items: numbers.map((n) => invoice(n)), permitted: true, last_synced: null };
}

/** The core's answer for `window` of the list (unfiltered, in the order given). */
export function invoiceWindow(list: Listing<Invoice>, window: Window): Windowed<InvoiceLine> {
  return {
    rows: list.items
      .slice(window.offset, window.offset + window.limit)
      .map((i) => ({ ...i, overdue: i.status === "overdue", pdf_cached: false })),
    offset: window.offset,
    matching: list.permitted ? list.items.length : 0,
    total: list.permitted ? list.items.length : 0,
    permitted: list.permitted,
    last_synced: list.last_synced,
  };
}

/** The numbers of the invoice rows on the page. */
export function invoiceRows(target: HTMLElement): string[] {
  return [...target.querySelectorAll("[data-testid=invoice-row]")].map((row) => row.getAttribute("data-number") ?? "");
}
