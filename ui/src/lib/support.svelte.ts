// The support desk's state that outlives the view while the window is open (the tab,
// each account's ticket draft, the pasted bounce), and the pure rules of its forms: how
// a field is entered, what it can be picked from, what is still missing, what the guard
// found, and what a bounce suggests doing next.

import { errorText, fieldText } from "./app.svelte";
import type { BounceExplanation } from "./bindings/BounceExplanation";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import type { SupportCategory } from "./bindings/SupportCategory";
import type { SupportContext } from "./bindings/SupportContext";
import type { SupportDraft } from "./bindings/SupportDraft";
import type { SupportField } from "./bindings/SupportField";
import type { SupportForm } from "./bindings/SupportForm";
import type { SupportGuardHit } from "./bindings/SupportGuardHit";
import type { SupportSelection } from "./bindings/SupportSelection";
import { date, dateFormat, money } from "./format";
import { intlLocale, locale, t, tOr, type MessageKey } from "./i18n.svelte";
import { statusLabel } from "./labels";

export type SupportTab = "tickets" | "new" | "secret" | "bounce";
export const SUPPORT_TABS: SupportTab[] = ["tickets", "new", "secret", "bounce"];

/** A ticket being written: its category and values, and where it came from. */
export interface DeskDraft {
  category: SupportCategory;
  values: Record<string, string>;
  fromBounce: boolean;
}

interface Desk {
  tab: SupportTab;
  /** The draft of each account (never shown for another account). */
  drafts: Record<string, DeskDraft>;
  /** The pasted bounce: not tied to an account. */
  bounceText: string;
  /** Its explanation, for the account and text it was made for. */
  explained: { accountId: string; text: string; explanation: BounceExplanation } | null;
}

export const desk = $state<Desk>({ tab: "tickets", drafts: {}, bounceText: "", explained: null });

/** Forgets everything kept (sign-out, tests). */
export function resetDesk(): void {
  desk.tab = "tickets";
  desk.drafts = {};
  desk.bounceText = "";
  desk.explained = null;
}

export type InputKind =
  | "text"
  | "textarea"
  | "email"
  | "date"
  | "datetime"
  | "amount"
  | "number"
  | "yesno"
  | "method"
  | "domain";

/** How a field is entered in the form. */
export function inputKind(field: SupportField): InputKind {
  if (field.key === "payment_method") return "method";
  switch (field.kind) {
    case "long_text":
      return "textarea";
    case "email":
      return "email";
    case "date":
      return "date";
    case "date_time":
      return "datetime";
    case "amount":
      return "amount";
    case "number":
      return "number";
    case "yes_no":
      return "yesno";
    case "domain":
      return "domain";
    default:
      return "text";
  }
}

/** The payment methods the form offers (the keys the core reads). */
export const PAYMENT_METHODS = ["bank_transfer", "sepa", "paypal", "card"] as const;

/** Fields that hold machine text: shown in a monospace font, taller. */
export function isMachineField(key: string): boolean {
  return key === "bounce" || key === "headers";
}

export interface Choice {
  value: string;
  label: string;
}

/** What a field can be picked from, out of the account's cache. */
export function choicesFor(key: string, context: SupportContext | null): Choice[] {
  if (!context) return [];
  const lang = intlLocale();
  const plain = (values: string[]): Choice[] => values.map((value) => ({ value, label: value }));
  switch (key) {
    case "invoice_number":
    case "previous_invoice":
      return context.invoices.map((c) => ({
        value: c.value,
        label: t("sup.new.choiceInvoice", {
          number: c.value,
          amount: c.amount_cents === null ? "" : money(c.amount_cents, "EUR", lang),
          date: c.date ? date(c.date, lang) : "",
        }),
      }));
    case "service":
      return context.services.map((c) => ({
        value: c.value,
        label: t("sup.new.choiceService", { status: statusLabel(c.status ?? ""), date: c.date ? date(c.date, lang) : "" }),
      }));
    case "affected":
      return plain([...context.domains, ...context.mailboxes]);
    case "hostname":
      return plain(context.domains);
    case "mailbox":
    case "accounts":
    case "sender":
      return plain(context.mailboxes);
    case "login_email":
      return plain(context.login_email ? [context.login_email] : []);
    default:
      return [];
  }
}

/** The selection a picked value stands for (a service's id), to prefill what depends on it. */
export function selectionFor(key: string, value: string, context: SupportContext | null): SupportSelection | null {
  if (key !== "service" || !context) return null;
  const service = context.services.find((c) => c.value === value.trim());
  return service ? { invoice_number: null, service_id: service.id, domain: null, mailbox: null } : null;
}

/** Required fields that are still empty, in the form's order. */
export function missingFields(form: SupportForm, values: Record<string, string>): string[] {
  return form.fields.filter((f) => f.required && (values[f.key] ?? "").trim() === "").map((f) => f.key);
}

/** The draft the core reads: only the form's fields, empty ones left out. */
export function toDraft(form: SupportForm, values: Record<string, string>): SupportDraft {
  const kept: Record<string, string> = {};
  for (const field of form.fields) {
    const value = values[field.key] ?? "";
    if (value.trim() !== "") kept[field.key] = value;
  }
  return { category: form.category, values: kept };
}

/** Each field's problem from a check, in the UI language. */
export function problemsOf(info: ErrorInfo | null, form: SupportForm): Record<string, string> {
  if (!info) return {};
  const out: Record<string, string> = {};
  for (const field of form.fields) {
    const text = fieldText(info, field.key);
    if (text) out[field.key] = text;
  }
  return out;
}

/** A problem the check found that belongs to no field of the form (shown above it). */
export function formProblem(info: ErrorInfo | null, form: SupportForm): string | null {
  if (!info) return null;
  const onFields = Object.keys(info.fields).some((k) => form.fields.some((f) => f.key === k));
  return onFields ? null : errorText(info);
}

export function fieldLabel(field: SupportField): string {
  return locale.lang === "de" ? field.label_de : field.label_en;
}

export function formTitle(form: SupportForm): string {
  return locale.lang === "de" ? form.title_de : form.title_en;
}

/** What the guard found, as a line: "Exact error message: a password line (So•••6!)". */
export function findingText(hit: SupportGuardHit, form: SupportForm | null): string {
  const field = form?.fields.find((f) => f.key === hit.field);
  const kind = hit.finding.kind;
  const label = hit.finding.label;
  const what =
    kind === "known_secret" && label
      ? t("sup.guard.known_secret_label", { label })
      : kind === "authcode" && label
        ? t("sup.guard.authcode_label", { label })
        : t(`sup.guard.${kind}` as MessageKey);
  return t("sup.guard.finding", { field: field ? fieldLabel(field) : hit.field, what, masked: hit.finding.masked });
}

/** A Yopass link with its key: `https://host[/path]/#/s/<id>/<22-character key>`. */
const LINK_WITH_KEY = /^https?:\/\/[^\s/#]+(\/[^\s#]*)?\/#\/s\/[A-Za-z0-9-]{1,64}\/[A-Za-z0-9]{22}$/;

export function isSecretLinkWithKey(link: string): boolean {
  return LINK_WITH_KEY.test(link.trim());
}

export function reasonText(explanation: BounceExplanation): string {
  return tOr(`sup.reason.${explanation.reason}`, explanation.reason);
}

/** A mail's `Date:` header in the UI's format, or as written when it cannot be read. */
export function mailDate(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : dateFormat(intlLocale(), { dateStyle: "medium", timeStyle: "short" }).format(ms);
}

export function explanationText(explanation: BounceExplanation): string {
  return locale.lang === "de" ? explanation.explanation_de : explanation.explanation_en;
}

export type BounceAction =
  | { kind: "wait" }
  | { kind: "dns"; domain: string }
  | { kind: "usage"; mailbox: string };

function domainOf(address: string | null): string | null {
  const at = address?.lastIndexOf("@") ?? -1;
  return address && at > 0 ? address.slice(at + 1).toLowerCase() : null;
}

/** The buttons a bounce offers besides "Ask support" (FAQ: greylisting waits, SPF/DKIM/
 *  DMARC go to the DNS doctor, a full own mailbox to the mail doctor's usage view). */
export function bounceActions(explanation: BounceExplanation): BounceAction[] {
  const actions: BounceAction[] = [];
  if (explanation.next_step === "wait") actions.push({ kind: "wait" });
  if (explanation.next_step === "dns_doctor" || explanation.reason === "authentication") {
    const domain = explanation.next_step_target ?? domainOf(explanation.original_sender);
    if (domain) actions.push({ kind: "dns", domain });
  }
  if (explanation.next_step === "mailbox_usage") {
    const mailbox = explanation.next_step_target ?? explanation.recipient;
    if (mailbox) actions.push({ kind: "usage", mailbox });
  }
  return actions;
}

/** A bounce file's text, or null when it is larger than any bounce. */
export const MAX_BOUNCE_BYTES = 8 * 1024 * 1024;
export async function readBounceFile(file: File): Promise<string | null> {
  if (file.size > MAX_BOUNCE_BYTES) return null;
  return await file.text();
}
