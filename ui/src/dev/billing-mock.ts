// The billing commands for the browser preview (see mock.ts): the same made-up data,
// shaped as the billing views expect it. Filters and sorting are left to the real app.

import type { Invoice } from "../lib/bindings/Invoice";
import type { InvoiceLine } from "../lib/bindings/InvoiceLine";
import type { Listing } from "../lib/bindings/Listing";
import type { Service } from "../lib/bindings/Service";
import type { ServiceContract } from "../lib/bindings/ServiceContract";
import type { Window } from "../lib/bindings/Window";
import type { Windowed } from "../lib/bindings/Windowed";
import type { YearTotal } from "../lib/bindings/YearTotal";

export interface BillingSource {
  invoices: (accountId: string) => Listing<Invoice>;
  services: (accountId: string) => Listing<Service>;
}

function yearTotals(listing: Listing<Invoice>): YearTotal[] {
  const years = new Map<number, { count: number; total: number; paid: number }>();
  for (const i of listing.items) {
    const year = Number(i.issue_date.slice(0, 4));
    const y = years.get(year) ?? { count: 0, total: 0, paid: 0 };
    y.count += 1;
    if (i.status !== "cancelled") y.total += i.amount_cents;
    if (i.status === "paid") y.paid += i.amount_cents;
    years.set(year, y);
  }
  return [...years.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([year, y]) => ({ year, count: y.count, total_cents: y.total, paid_cents: y.paid, unpaid_cents: y.total - y.paid }));
}

/** A window of the invoices, searched by number (filters and sorting left out). */
function invoiceWindow(listing: Listing<Invoice>, search: string, window: Window): Windowed<InvoiceLine> {
  const q = search.trim().toLowerCase();
  const rows = listing.items.filter((i) => !q || i.number.toLowerCase().includes(q));
  return {
    rows: rows
      .slice(window.offset, window.offset + window.limit)
      .map((i) => ({ ...i, overdue: i.status === "overdue", pdf_cached: false })),
    offset: window.offset,
    matching: rows.length,
    total: listing.items.length,
    permitted: listing.permitted,
    last_synced: listing.last_synced,
  };
}

function contracts(listing: Listing<Service>): Listing<ServiceContract> {
  return {
    ...listing,
    items: listing.items.map((service) => ({
      service,
      notice_deadline: null,
      days_to_deadline: null,
      earliest_end: service.period_end,
      cancellation: null,
    })),
  };
}

/** The answer to a billing command, or undefined when `cmd` is not one. */
export function billingAnswer(cmd: string, args: Record<string, unknown>, source: BillingSource): unknown {
  const accountId = typeof args.accountId === "string" ? args.accountId : "";
  switch (cmd) {
    case "invoice_window": {
      const { query, window } = args as { query: { search: string }; window: Window };
      return invoiceWindow(source.invoices(accountId), query.search, window);
    }
    case "invoice_years":
      return yearTotals(source.invoices(accountId));
    case "invoice_position":
      return null;
    case "billing_services":
      return contracts(source.services(accountId));
    default:
      return undefined;
  }
}
