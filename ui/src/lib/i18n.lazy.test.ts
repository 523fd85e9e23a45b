// Each language's strings are a chunk of their own, loaded when the language is used:
// the start loads the one it needs while the core answers, and nothing in the main
// chunk imports a catalogue.

import { afterEach, describe, expect, it, vi } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { AppStart } from "./bindings/AppStart";

// The unit tests' set-up installs both catalogues; these tests need modules without.
async function freshModules() {
  vi.resetModules();
  const i18n = await import("./i18n.svelte");
  const app = await import("./app.svelte");
  return { i18n, app };
}

function start(language: string, systemLocale: string): AppStart {
  return {
    info: { version: "0.1.0", system_locale: systemLocale, language },
    login: null,
    connections: [],
    damaged_cache: null,
    accounts: [],
    selected: null,
    dashboard: null,
  };
}

function answer(with_: AppStart): void {
  mockIPC((cmd) => (cmd === "app_start" ? with_ : null), { shouldMockEvents: true });
}

afterEach(() => {
  clearMocks();
  vi.restoreAllMocks();
});

describe("message catalogues loaded on use", () => {
  it("has no strings before its language is loaded, and all of them after", async () => {
    const { i18n } = await freshModules();
    expect(i18n.hasLanguage()).toBe(false);
    expect(i18n.t("nav.dashboard")).toBe("nav.dashboard");
    await i18n.loadLanguage("de");
    i18n.setLanguage("de");
    expect(i18n.hasLanguage()).toBe(true);
    expect(i18n.t("nav.dashboard")).toBe("Übersicht");
    expect(i18n.hasMessage("nav.dashboard")).toBe(true);
  });

  // The page's locale is only a guess made while the core answers: the core's word wins.
  it.each([
    { case: "a language chosen in cowdesk", page: "en-US", choice: "de", system: "en", lang: "de", shown: "Übersicht" },
    { case: "the system's language, nothing chosen", page: "de-DE", choice: "system", system: "en", lang: "en", shown: "Dashboard" },
  ])("starts in the language the core names: $case", async ({ page, choice, system, lang, shown }) => {
    vi.spyOn(navigator, "language", "get").mockReturnValue(page);
    const { i18n, app } = await freshModules();
    answer(start(choice, system));
    await app.boot();
    expect(i18n.locale.lang).toBe(lang);
    expect(i18n.t("nav.dashboard")).toBe(shown);
  });

  it("a switch of language waits for that language's strings", async () => {
    const { i18n, app } = await freshModules();
    answer(start("en", "en"));
    await app.boot();
    await app.chooseLanguage("de");
    expect(i18n.locale.lang).toBe("de");
    expect(i18n.t("nav.dashboard")).toBe("Übersicht");
  });

  it("no module but the loader and the tests imports a catalogue's strings", () => {
    const sources = import.meta.glob<string>(["../**/*.{ts,svelte}", "!../**/*.test.ts", "!../test/**", "!./messages/**"], {
      query: "?raw",
      import: "default",
      eager: true,
    });
    expect(Object.keys(sources)).toContain("./i18n.svelte.ts");
    // `import type` is erased from the build; a value import would pull strings in.
    const valueImport = /^import (?!type )[^;]*from "[./]*(lib\/)?messages\//m;
    const offenders = Object.entries(sources)
      .filter(([, text]) => valueImport.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});
