// Billing and contracts on the UI side: typed wrappers over the billing commands
// (src-tauri/commands/billing.rs), the detail views' routes, the role's permissions and
// the forms' field problems.

import "../components/billing/billing.css";
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { app, fieldText } from "./app.svelte";
import type { BillingRequest } from "./bindings/BillingRequest";
import type { BillingSettings } from "./bindings/BillingSettings";
import type { CancellationRequest } from "./bindings/CancellationRequest";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import type { ExportProgress } from "./bindings/ExportProgress";
import type { ExportReport } from "./bindings/ExportReport";
import type { ExtensionRequest } from "./bindings/ExtensionRequest";
import type { InvoiceDetail } from "./bindings/InvoiceDetail";
import type { Listing } from "./bindings/Listing";
import type { PaymentNotice } from "./bindings/PaymentNotice";
import type { PdfResult } from "./bindings/PdfResult";
import type { Permission } from "./bindings/Permission";
import type { Profile } from "./bindings/Profile";
import type { ProfileUpdate } from "./bindings/ProfileUpdate";
import type { RestoreRequest } from "./bindings/RestoreRequest";
import type { ServiceContract } from "./bindings/ServiceContract";
import type { ServiceDetail } from "./bindings/ServiceDetail";
import type { TicketAttachment } from "./bindings/TicketAttachment";
import { locale, t, type MessageKey } from "./i18n.svelte";

export const billingApi = {
  invoice: (accountId: string, number: string) =>
    invoke<InvoiceDetail>("billing_invoice", { accountId, number }),
  invoicePdf: (accountId: string, number: string, action: "open" | "save") =>
    invoke<PdfResult | null>("billing_invoice_pdf", { accountId, number, action }),
  dpa: (accountId: string, action: "open" | "save") =>
    invoke<PdfResult | null>("billing_dpa", { accountId, action }),
  exportInvoices: (accountId: string, from: string, to: string) =>
    invoke<ExportReport | null>("billing_export", { accountId, from, to }),
  paymentNotice: (accountId: string, notice: PaymentNotice) =>
    invoke<BillingRequest>("billing_payment_notice", { accountId, notice }),
  paymentExtension: (accountId: string, request: ExtensionRequest) =>
    invoke<BillingRequest>("billing_payment_extension", { accountId, request }),
  services: (accountId: string) => invoke<Listing<ServiceContract>>("billing_services", { accountId }),
  service: (accountId: string, serviceId: string) =>
    invoke<ServiceDetail>("billing_service", { accountId, serviceId }),
  cancel: (accountId: string, request: CancellationRequest) =>
    invoke<BillingRequest>("billing_cancel", { accountId, request }),
  restore: (accountId: string, request: RestoreRequest) =>
    invoke<BillingRequest>("billing_restore", { accountId, request }),
  settings: (accountId: string) => invoke<BillingSettings>("billing_settings", { accountId }),
  updateSettings: (accountId: string, update: ProfileUpdate) =>
    invoke<Profile>("billing_update_settings", { accountId, update }),
  onExportProgress: (f: (p: ExportProgress) => void): Promise<UnlistenFn> =>
    listen<ExportProgress>("billing-export-progress", (e) => f(e.payload)),
};

/** Which detail the billing views show; tied to the account it was opened for. */
export const billingRoute = $state<{
  invoice: { accountId: string; number: string } | null;
  service: { accountId: string; id: string } | null;
}>({ invoice: null, service: null });

/** Back to the lists: the nav entry of a view shows its list, not the detail last open. */
export function closeDetails(): void {
  billingRoute.invoice = null;
  billingRoute.service = null;
}

/** Shows the detail of an invoice of the selected account (by its number). */
export function openInvoice(number: string): void {
  if (!app.selected) return;
  closeDetails();
  billingRoute.invoice = { accountId: app.selected, number };
  app.view = "invoices";
}

/** Shows the detail of a service of the selected account (by its id). */
export function openService(id: string): void {
  if (!app.selected) return;
  closeDetails();
  billingRoute.service = { accountId: app.selected, id };
  app.view = "services";
}

/** The open invoice's number, if it belongs to the account shown now. */
export function shownInvoice(accountId: string): string | null {
  const route = billingRoute.invoice;
  return route && route.accountId === accountId ? route.number : null;
}

export function shownService(accountId: string): string | null {
  const route = billingRoute.service;
  return route && route.accountId === accountId ? route.id : null;
}

const PERMISSION_KEYS: Record<Permission, MessageKey> = {
  profile: "bill.perm.profile",
  invoices: "bill.perm.invoices",
  mandates: "bill.perm.mandates",
  services: "bill.perm.services",
  domains: "bill.perm.domains",
  mailboxes: "bill.perm.mailboxes",
  users: "bill.perm.users",
  tickets: "bill.perm.tickets",
};

/**
 * Why the selected account's role does not allow an action needing `needed`, or null when
 * it does. The portal checks again; this only keeps the button honest.
 */
export function deniedReason(needed: Permission[]): string | null {
  const account = app.accounts.find((a) => a.account.id === app.selected)?.account;
  if (!account) return null;
  const missing = needed.find((p) => !account.role.permissions.includes(p));
  if (!missing) return null;
  return t("bill.denied", { role: account.role.name, permission: t(PERMISSION_KEYS[missing]) });
}

/** A field's problem from a form error, in the current language. */
export function fieldProblem(error: ErrorInfo | null, field: string): string | undefined {
  return fieldText(error, field);
}

/**
 * What a form says above its buttons when sending failed: every field problem in the
 * current language (they are also shown next to their fields), else the error's message
 * (offline, a role the server refused, ...). Never a raw error.
 */
export function formErrorText(error: ErrorInfo): string {
  const names = Object.keys(error.fields);
  if (names.length === 0) return locale.lang === "de" ? error.message_de : error.message;
  return names.map((name) => fieldProblem(error, name) ?? "").join(" ");
}

/** Proof of payment at most this large, all files together (the portal's limit too). */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const ATTACHMENT_TYPES = ["application/pdf", "image/png", "image/jpeg"];

/** A picked file as an attachment (base64, read in the page: no file-system access). */
export async function toAttachment(file: File): Promise<TicketAttachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return { file_name: file.name, content_type: file.type, data_base64: btoa(binary) };
}

/** Local dates as "YYYY-MM-DD" (what the Rust side expects). */
export function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function today(): string {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read once, never changed
  return isoDay(new Date());
}

/** Cents from a typed amount ("34,51", "34.51", "1.234,56"); null when not an amount. */
export function parseAmount(text: string): number | null {
  const cleaned = text.replace(/[€\s]|EUR/g, "");
  if (!/^[\d.,]+$/.test(cleaned)) return null;
  const last = Math.max(cleaned.lastIndexOf("."), cleaned.lastIndexOf(","));
  let whole = cleaned;
  let fraction = "";
  if (last >= 0 && cleaned.length - last - 1 <= 2) {
    whole = cleaned.slice(0, last);
    fraction = cleaned.slice(last + 1);
  }
  const euros = Number(whole.replace(/[.,]/g, "") || "0");
  const cents = fraction.length === 0 ? 0 : Number(fraction.padEnd(2, "0"));
  if (!Number.isFinite(euros) || !Number.isFinite(cents)) return null;
  return euros * 100 + cents;
}

/** "34,51" / "34.51" for an amount field. */
export function amountInput(cents: number, lang: string): string {
  const text = (cents / 100).toFixed(2);
  return lang === "de" ? text.replace(".", ",") : text;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** The same plausibility rule as the Rust side's `validate::email`. */
export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value.trim());
}
