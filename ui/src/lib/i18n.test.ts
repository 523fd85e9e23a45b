import { describe, expect, it } from "vitest";
import { dictionaries, locale, resolveLanguage, t } from "./i18n.svelte";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("i18n", () => {
  it("has every key in English and German, with the same placeholders", () => {
    const en = Object.keys(dictionaries.en).sort();
    const de = Object.keys(dictionaries.de).sort();
    expect(de).toEqual(en);
    for (const key of en as (keyof typeof dictionaries.en)[]) {
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
});
