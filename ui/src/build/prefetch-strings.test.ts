// The strings index.html fetches early are the ones the start then loads.

import { afterEach, describe, expect, it, vi } from "vitest";
import { prefetchScript, stringChunks } from "./prefetch-strings";
import { likelyLanguage } from "../lib/i18n.svelte";

const bundle = {
  "assets/index-a.js": { type: "chunk", fileName: "assets/index-a.js", facadeModuleId: "/ui/src/main.ts" },
  "assets/en-b.js": { type: "chunk", fileName: "assets/en-b.js", facadeModuleId: "/ui/src/lib/messages/en/index.ts" },
  "assets/de-c.js": { type: "chunk", fileName: "assets/de-c.js", facadeModuleId: "/ui/src/lib/messages/de/index.ts" },
  "assets/index-d.css": { type: "asset", fileName: "assets/index-d.css" },
};

/** The URL the inline script imports when the page's locale is `language`. */
function fetched(language: string): string {
  vi.spyOn(navigator, "language", "get").mockReturnValue(language);
  const script = prefetchScript(stringChunks(bundle));
  const urls: string[] = [];
  // `import(…)` is syntax: the test runs the same expression with a recorder in its place.
  const load = (url: string) => (urls.push(url), Promise.resolve());
  new Function("load", script.replace(/^import\(/, "load("))(load);
  expect(urls).toHaveLength(1);
  return urls[0] ?? "";
}

afterEach(() => vi.restoreAllMocks());

describe("the strings fetched while the page loads", () => {
  it("are each language's chunk of the build", () => {
    expect(stringChunks(bundle)).toEqual({ en: "assets/en-b.js", de: "assets/de-c.js" });
    expect(() => stringChunks({ "assets/index-a.js": bundle["assets/index-a.js"] })).toThrow(/no chunk/);
  });

  it.each(["de-DE", "DE", "de", "en-US", "en-GB", "fr-FR", ""])("are the start's first guess for %j", (language) => {
    const url = fetched(language);
    vi.spyOn(navigator, "language", "get").mockReturnValue(language);
    expect(url).toBe(likelyLanguage() === "de" ? "./assets/de-c.js" : "./assets/en-b.js");
  });
});
