import { describe, expect, it } from "vitest";
import { app } from "./app.svelte";
import { deniedReason, fieldProblem, formErrorText, isValidEmail, parseAmount } from "./billing.svelte";
import type { ErrorInfo } from "./bindings/ErrorInfo";
import { hasMessage, locale } from "./i18n.svelte";

describe("billing helpers", () => {
  it("reads amounts in German and English notation", () => {
    expect(parseAmount("34,51")).toBe(3451);
    expect(parseAmount("34.51")).toBe(3451);
    expect(parseAmount("1.234,56 €")).toBe(123456);
    expect(parseAmount("1,234.56")).toBe(123456);
    expect(parseAmount("12")).toBe(1200);
    expect(parseAmount("12,5")).toBe(1250);
    expect(parseAmount("zwölf")).toBeNull();
  });

  it("checks e-mail addresses like the Rust side", () => {
    expect(isValidEmail("rechnung@mueller-webdesign.de")).toBe(true);
    for (const bad of ["kein-at", "a@b", "a b@c.de", "@x.de", "a@.de"]) expect(isValidEmail(bad), bad).toBe(false);
  });

  it("shows field problems in the current language", () => {
    const error: ErrorInfo = {
      kind: "invalid_input",
      message: "The payment date cannot be in the future.",
      message_de: "Das Zahlungsdatum kann nicht in der Zukunft liegen.",
      fields: { payment_date: "The payment date cannot be in the future." },
      fields_de: { payment_date: "Das Zahlungsdatum kann nicht in der Zukunft liegen." },
      server_words: false,
    };
    locale.lang = "de";
    expect(fieldProblem(error, "payment_date")).toContain("Zukunft");
    expect(formErrorText(error)).toContain("Zukunft");
    locale.lang = "en";
    expect(fieldProblem(error, "payment_date")).toContain("future");
    expect(fieldProblem(error, "amount")).toBeUndefined();
    const offline: ErrorInfo = { kind: "offline", message: "The portal cannot be reached.", message_de: "Nicht erreichbar.", fields: {}, fields_de: {}, server_words: false };
    expect(formErrorText(offline)).toBe("The portal cannot be reached.");
  });

  it("trust: marks the portal's untranslated words in a field problem", () => {
    const error: ErrorInfo = {
      kind: "invalid_input",
      message: "Please check the highlighted fields.",
      message_de: "Bitte prüfen Sie die markierten Felder.",
      fields: { iban: "Held for review", bic: "This is not a valid BIC." },
      fields_de: { iban: "Held for review", bic: "Das ist keine gültige BIC." },
      server_words: true,
    };
    locale.lang = "de";
    expect(fieldProblem(error, "iban")).toBe("Meldung des Portals, nicht übersetzt: „Held for review“");
    expect(fieldProblem(error, "bic")).toBe("Das ist keine gültige BIC.");
    locale.lang = "en";
    expect(fieldProblem(error, "iban")).toBe("Portal message: “Held for review”");
    expect(fieldProblem(error, "bic")).toBe("This is not a valid BIC.");
  });

  it("names the permission a shared role lacks", () => {
    app.accounts = [
      {
        account: {
          id: "acc-200002",
          customer_number: "200002",
          name: "Bäckerei Schmidt GmbH",
          is_own: false,
          role: { name: "Accounting", permissions: ["profile", "invoices", "mandates", "tickets"] },
        },
        last_synced: null,
        overdue_count: 1,
      },
    ];
    app.selected = "acc-200002";
    locale.lang = "en";
    expect(deniedReason(["invoices", "tickets"])).toBeNull();
    expect(deniedReason(["services", "tickets"])).toBe(
      "Your role “Accounting” does not include “Services”. Ask the account owner for this right.",
    );
    locale.lang = "de";
    expect(deniedReason(["services"])).toContain("„Verträge“");
    locale.lang = "en";
    app.accounts = [];
    app.selected = null;
  });

  it("has a message for every code the billing views turn into a key", () => {
    const codes = [
      ...["general", "payment_made", "payment_extension", "cancellation", "restore"].map((c) => `bill.cat.${c}`),
      ...["bank_transfer", "sepa", "paypal", "card"].map((m) => `bill.method.${m}`),
      ...["all", "open", "overdue", "paid", "cancelled"].map((f) => `bill.filter.${f}`),
      ...["issue_date", "due_date", "amount", "number", "status"].map((s) => `bill.sort.${s}`),
      ...["open", "answered", "closed"].map((s) => `status.${s}`),
      ...["profile", "invoices", "mandates", "services", "domains", "mailboxes", "users", "tickets"].map((p) => `bill.perm.${p}`),
      "nav.billing",
    ];
    for (const code of codes) expect(hasMessage(code), code).toBe(true);
  });
});
