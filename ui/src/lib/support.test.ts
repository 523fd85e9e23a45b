import { afterEach, describe, expect, it } from "vitest";
import type { BounceExplanation } from "./bindings/BounceExplanation";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import type { SupportContext } from "./bindings/SupportContext";
import type { SupportForm } from "./bindings/SupportForm";
import { locale } from "./i18n.svelte";
import { catalogue as en } from "./messages/en";
import { catalogue as de } from "./messages/de";
import {
  bounceActions,
  choicesFor,
  findingText,
  formProblem,
  inputKind,
  isSecretLinkWithKey,
  mailDate,
  missingFields,
  problemsOf,
  selectionFor,
  toDraft,
} from "./support.svelte";

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

const form: SupportForm = {
  category: "payment_made",
  title_en: "Payment already made",
  title_de: "Zahlung bereits geleistet",
  fields: [
    { key: "customer_number", label_en: "Customer number", label_de: "Kundennummer", kind: "text", required: true },
    { key: "invoice_number", label_en: "Invoice number", label_de: "Rechnungsnummer", kind: "text", required: true },
    { key: "payment_date", label_en: "Payment date", label_de: "Zahlungsdatum", kind: "date", required: true },
    { key: "amount", label_en: "Amount paid", label_de: "Gezahlter Betrag", kind: "amount", required: true },
    { key: "payment_method", label_en: "Payment method", label_de: "Zahlungsart", kind: "text", required: true },
    { key: "proof_of_payment", label_en: "Proof of payment", label_de: "Zahlungsnachweis", kind: "text", required: false },
  ],
};

const context: SupportContext = {
  customer_number: "100001",
  login_email: "demo@cowdesk.example",
  invoices: [{ value: "RE-2026-000023", id: "RE-2026-000023", status: "overdue", date: "2026-11-05", amount_cents: 3451 }],
  services: [{ value: "Managed mailcow M (svc-42)", id: "svc-42", status: "active", date: "2027-03-31", amount_cents: null }],
  domains: ["mueller-shop.de"],
  mailboxes: ["info@mueller-shop.de"],
};

function explanation(over: Partial<BounceExplanation>): BounceExplanation {
  return {
    reason: "other",
    permanent: true,
    status: null,
    reply_code: null,
    recipient: null,
    reporting_mta: null,
    remote_mta: null,
    diagnostic: null,
    explanation_en: "en",
    explanation_de: "de",
    next_step: "ask_support",
    next_step_target: null,
    original_sender: null,
    original_date: null,
    original_subject: null,
    original_headers: null,
    authentication_results: [],
    ...over,
  };
}

afterEach(() => {
  locale.lang = "en";
});

describe("support desk rules", () => {
  it("support: every message exists in English and German", () => {
    const supportKeys = Object.keys(en).filter((k) => k.startsWith("sup.") || k === "nav.support");
    expect(supportKeys.length).toBeGreaterThan(100);
    for (const key of supportKeys) {
      expect((de as Record<string, string>)[key], key).toBeTruthy();
    }
  });

  it("support: fields are entered the way their kind asks", () => {
    const kinds = form.fields.map(inputKind);
    expect(kinds).toEqual(["text", "text", "date", "amount", "method", "text"]);
    expect(inputKind({ key: "bounce", label_en: "", label_de: "", kind: "long_text", required: false })).toBe("textarea");
    expect(inputKind({ key: "data_needed", label_en: "", label_de: "", kind: "yes_no", required: true })).toBe("yesno");
  });

  it("support: the cache offers invoices, services, domains and mailboxes, worded in the UI language", () => {
    const en = choicesFor("invoice_number", context);
    expect(en.map((c) => c.value)).toEqual(["RE-2026-000023"]);
    expect(plain(en[0]!.label)).toBe("RE-2026-000023 · €34.51 · due 5 Nov 2026");
    locale.lang = "de";
    expect(plain(choicesFor("invoice_number", context)[0]!.label)).toBe("RE-2026-000023 · 34,51 € · fällig am 05.11.2026");
    expect(choicesFor("service", context)[0]!.label).toContain("Aktiv");
    expect(choicesFor("affected", context).map((c) => c.value)).toEqual(["mueller-shop.de", "info@mueller-shop.de"]);
    expect(choicesFor("sender", context).map((c) => c.value)).toEqual(["info@mueller-shop.de"]);
    expect(choicesFor("campaigns", context)).toEqual([]);
    expect(choicesFor("service", null)).toEqual([]);
  });

  it("support: a picked service stands for its id, typed text for nothing", () => {
    expect(selectionFor("service", "Managed mailcow M (svc-42)", context)?.service_id).toBe("svc-42");
    expect(selectionFor("service", "something typed", context)).toBeNull();
    expect(selectionFor("invoice_number", "RE-2026-000023", context)).toBeNull();
  });

  it("support: what is missing, and the draft has only the form's non-empty fields", () => {
    const values = { customer_number: "100001", invoice_number: "  ", amount: "34,51", stray: "x" };
    expect(missingFields(form, values)).toEqual(["invoice_number", "payment_date", "payment_method"]);
    expect(toDraft(form, values)).toEqual({ category: "payment_made", values: { customer_number: "100001", amount: "34,51" } });
  });

  it("support: field problems come in the UI language, a problem of no field above the form", () => {
    const info: ErrorInfo = {
      kind: "invalid_input",
      message: "Enter: Invoice number.",
      message_de: "Bitte angeben: Rechnungsnummer.",
      fields: { invoice_number: "Enter: Invoice number." },
      fields_de: { invoice_number: "Bitte angeben: Rechnungsnummer." },
      server_words: false,
    };
    expect(problemsOf(info, form)).toEqual({ invoice_number: "Enter: Invoice number." });
    locale.lang = "de";
    expect(problemsOf(info, form)).toEqual({ invoice_number: "Bitte angeben: Rechnungsnummer." });
    expect(formProblem(info, form)).toBeNull();
    const other: ErrorInfo = { ...info, fields: { category: "x" }, fields_de: { category: "y" } };
    expect(formProblem(other, form)).toBe("Bitte angeben: Rechnungsnummer.");
  });

  it("support: a guard finding names the field and the kind, masked", () => {
    const hit = {
      field: "proof_of_payment",
      finding: { kind: "password_line" as const, masked: "So•••••••6!", start: 10, end: 21, label: null },
    };
    expect(findingText(hit, form)).toBe("Proof of payment: a password line (So•••••••6!)");
    const kept = { field: "amount", finding: { kind: "known_secret" as const, masked: "hu•••r2", start: 0, end: 7, label: "info@mueller-shop.de" } };
    locale.lang = "de";
    expect(findingText(kept, form)).toBe("Gezahlter Betrag: das gespeicherte Passwort von info@mueller-shop.de (hu•••r2)");
    const authcode = { field: "amount", finding: { ...kept.finding, kind: "authcode" as const, label: "mueller-shop.de" } };
    expect(findingText(authcode, form)).toBe("Gezahlter Betrag: der Authcode von mueller-shop.de (hu•••r2)");
    const shared = { field: "amount", finding: { ...kept.finding, label: "" } };
    expect(findingText(shared, form)).toBe("Gezahlter Betrag: ein in cowdesk gespeichertes Passwort (hu•••r2)");
  });

  it("support: a secret link with its key has the Yopass form", () => {
    expect(isSecretLinkWithKey("https://secrets.servercow.de/#/s/0b5c1a2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b/AbCdEfGhIjKlMnOpQrStUv")).toBe(true);
    expect(isSecretLinkWithKey("http://127.0.0.1:4711/yopass/#/s/4kPz9QwErTyUiOpAsDfGhJ/AbCdEfGhIjKlMnOpQrStUv")).toBe(true);
    expect(isSecretLinkWithKey("https://secrets.servercow.de/#/s/0b5c1a2e")).toBe(false);
    expect(isSecretLinkWithKey("https://secrets.servercow.de/#/s/abc/short")).toBe(false);
    expect(isSecretLinkWithKey("https://secrets.servercow.de/s/abc/AbCdEfGhIjKlMnOpQrStUv")).toBe(false);
  });

  it("support: a mail's Date header is shown in the UI language, or as written when unreadable", () => {
    locale.lang = "de";
    const shown = plain(mailDate("Tue, 1 Dec 2026 09:01:38 +0100"));
    expect(shown).toMatch(/2026/);
    expect(shown).not.toContain("Tue");
    expect(mailDate("gestern Nachmittag")).toBe("gestern Nachmittag");
  });

  it("support: a bounce's next steps follow the FAQ", () => {
    expect(bounceActions(explanation({ reason: "greylisting", permanent: false, next_step: "wait" }))).toEqual([{ kind: "wait" }]);
    expect(
      bounceActions(explanation({ reason: "authentication", next_step: "dns_doctor", next_step_target: "mueller-shop.de" })),
    ).toEqual([{ kind: "dns", domain: "mueller-shop.de" }]);
    // Without a target the sender's domain is the one to check.
    expect(
      bounceActions(explanation({ reason: "authentication", next_step: "dns_doctor", original_sender: "Info@Mueller-Shop.de" })),
    ).toEqual([{ kind: "dns", domain: "mueller-shop.de" }]);
    expect(
      bounceActions(explanation({ reason: "mailbox_full", next_step: "mailbox_usage", next_step_target: "info@mueller-shop.de" })),
    ).toEqual([{ kind: "usage", mailbox: "info@mueller-shop.de" }]);
    expect(bounceActions(explanation({ reason: "unknown_recipient", next_step: "check_address" }))).toEqual([]);
  });
});
