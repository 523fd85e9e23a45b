// The billing commands for the browser preview (see mock.ts): the same made-up data,
// shaped as the billing views expect it. Filters and sorting are left to the real app.

import type { Invoice } from "../lib/bindings/Invoice";
import type { InvoiceList } from "../lib/bindings/InvoiceList";
import type { Listing } from "../lib/bindings/Listing";
import type { Service } from "../lib/bindings/Service";
import type { ServiceContract } from "../lib/bindings/ServiceContract";

export interface BillingSource {
  invoices: (accountId: string) => Listing<Invoice>;
  services: (accountId: string) => Listing<Service>;
}

function invoiceList(listing: Listing<Invoice>): InvoiceList {
  const years = new Map<number, { count: number; total: number; paid: number }>();
  for (const i of listing.items) {
    const year = Number(i.issue_date.slice(0, 4));
    const y = years.get(year) ?? { count: 0, total: 0, paid: 0 };
    y.count += 1;
    if (i.status !== "cancelled") y.total += i.amount_cents;
    if (i.status === "paid") y.paid += i.amount_cents;
    years.set(year, y);
  }
  return {
    items: listing.items.map((invoice) => ({ invoice, overdue: invoice.status === "overdue", pdf_cached: false })),
    total_count: listing.items.length,
    years: [...years.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([year, y]) => ({ year, count: y.count, total_cents: y.total, paid_cents: y.paid, unpaid_cents: y.total - y.paid })),
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
export function billingAnswer(cmd: string, args: Record<string, string>, source: BillingSource): unknown {
  const accountId = args.accountId ?? "";
  switch (cmd) {
    case "billing_invoices":
      return invoiceList(source.invoices(accountId));
    case "billing_services":
      return contracts(source.services(accountId));
    default:
      return undefined;
  }
}
