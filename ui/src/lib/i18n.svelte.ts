// One i18n layer for every string of the UI: English and German, chosen by the OS
// language unless the user picks one. Each language's catalogue is a chunk of its own
// (messages/en, messages/de): the start loads the one it needs while the core answers,
// instead of parsing both before it can ask.

import type { catalogue as english } from "./messages/en";

export type MessageKey = keyof typeof english;
export type Catalogue = Record<MessageKey, string>;
export type Language = "en" | "de";

const loaders: Record<Language, () => Promise<{ catalogue: Catalogue }>> = {
  en: () => import("./messages/en"),
  de: () => import("./messages/de"),
};
const catalogues: Partial<Record<Language, Catalogue>> = {};
const loading: Partial<Record<Language, Promise<void>>> = {};
let languageSet = false;

/** Loads `lang`'s catalogue once; `t()` has its strings after this resolves. */
export function loadLanguage(lang: Language): Promise<void> {
  if (catalogues[lang]) return Promise.resolve();
  loading[lang] ??= loaders[lang]().then(
    (m) => {
      catalogues[lang] = m.catalogue;
    },
    (err: unknown) => {
      delete loading[lang];
      throw err;
    },
  );
  return loading[lang];
}

/** Whether a language has been set (its strings are loaded). */
export function hasLanguage(): boolean {
  return languageSet;
}

/** Installs a catalogue that is already at hand (the unit tests load both at once). */
export function useCatalogue(lang: Language, catalogue: Catalogue): void {
  catalogues[lang] = catalogue;
}

/** The language the page's own locale suggests, to start loading before the core says.
 *  WebKit takes it from the C library's locale (en-US where that locale is missing).
 *  index.html's early fetch applies the same rule (src/build/prefetch-strings.ts; a test
 *  holds the two together). */
export function likelyLanguage(): Language {
  return navigator.language.toLowerCase().startsWith("de") ? "de" : "en";
}

/** The language in force; components read it through `t()` and re-render on change. */
export const locale = $state<{ lang: Language }>({ lang: "en" });

export function resolveLanguage(choice: string, systemLocale: string): Language {
  if (choice === "en" || choice === "de") return choice;
  return systemLocale === "de" ? "de" : "en";
}

/** Switches to `lang`, whose catalogue must be loaded (`loadLanguage`). */
export function setLanguage(lang: Language): void {
  locale.lang = lang;
  languageSet = true;
  document.documentElement.lang = lang;
}

/** Whether `key` names a message (for keys built from data, such as a status). */
export function hasMessage(key: string): key is MessageKey {
  return key in (catalogues[locale.lang] ?? catalogues.en ?? {});
}

/** The message for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  // A key built from unexpected data falls back to English, then to the key itself.
  const template: string = catalogues[locale.lang]?.[key] ?? catalogues.en?.[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** The message for a key built from data (a status, a kind), or `fallback` if unknown. */
export function tOr(key: string, fallback: string): string {
  return hasMessage(key) ? t(key) : fallback;
}

/** BCP 47 tag for Intl formatting. */
export function intlLocale(): string {
  return intlLocaleOf(locale.lang);
}

/** BCP 47 tag for Intl formatting in `lang`. */
export function intlLocaleOf(lang: Language): string {
  return lang === "de" ? "de-DE" : "en-GB";
}
