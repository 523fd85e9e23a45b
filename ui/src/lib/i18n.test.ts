import { describe, expect, it } from "vitest";
import { hasMessage, locale, resolveLanguage, t } from "./i18n.svelte";
import { catalogue as en } from "./messages/en";
import { catalogue as de } from "./messages/de";

const dictionaries = { en, de };
import { VIEWS } from "./app.svelte";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n", () => {
  it("has every key in English and German, with the same placeholders", () => {
    const enKeys = Object.keys(dictionaries.en).sort();
    const deKeys = Object.keys(dictionaries.de).sort();
    expect(deKeys).toEqual(enKeys);
    for (const key of enKeys as (keyof typeof dictionaries.en)[]) {
      expect(dictionaries.de[key].trim(), key).not.toBe("");
      expect(placeholders(dictionaries.de[key]), key).toEqual(placeholders(dictionaries.en[key]));
    }
  });

  it("fills placeholders in the current language", () => {
    locale.lang = "de";
    expect(t("switcher.overdue", { count: 2 })).toBe("2 überfällig");
    locale.lang = "en";
    expect(t("switcher.overdue", { count: 2 })).toBe("2 overdue");
  });

  it("follows the system language unless the user chose", () => {
    expect(resolveLanguage("system", "de")).toBe("de");
    expect(resolveLanguage("system", "en")).toBe("en");
    expect(resolveLanguage("en", "de")).toBe("en");
    expect(resolveLanguage("de", "en")).toBe("de");
    expect(resolveLanguage("fr", "fr")).toBe("en");
  });

  it("has a message for every code the views turn into a key", () => {
    const codes = [
      ...VIEWS.map((v) => `nav.${v}`),
      ...["open", "paid", "overdue", "cancelled"].map((s) => `status.${s}`),
      ...["active", "suspended", "cancelled", "terminated"].map((s) => `status.${s}`),
      ...["pending", "active", "failed", "cancelled"].map((s) => `status.${s}`),
      ...["active", "expired", "transfer_pending"].map((s) => `status.${s}`),
      ...["sepa", "paypal", "card"].map((k) => `man.${k}`),
      "dunning.1",
      "dunning.2",
      "dunning.3",
    ];
    for (const code of codes) expect(hasMessage(code), code).toBe(true);
  });

  it("uses the German terms of the portal", () => {
    locale.lang = "de";
    expect(t("nav.invoices")).toBe("Rechnungen");
    expect(t("nav.mailboxes")).toBe("Postfächer");
    expect(t("nav.mailsettings")).toBe("E-Mail-Einstellungen");
    expect(t("dunning.1")).toBe("Zahlungserinnerung");
    expect(t("status.overdue")).toBe("Überfällig");
    expect(t("sync.last", { when: "vor 5 Minuten" })).toBe("Zuletzt synchronisiert vor 5 Minuten");
    locale.lang = "en";
  });
});
