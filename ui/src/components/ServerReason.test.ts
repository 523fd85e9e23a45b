import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount } from "svelte";
import ServerReason from "./ServerReason.svelte";
import type { ServerText } from "../lib/bindings/ServerText";
import { serverText } from "../lib/app.svelte";
import { locale } from "../lib/i18n.svelte";

afterEach(() => {
  locale.lang = "en";
});

function shown(text: ServerText | null, raw: string | null): HTMLElement {
  const target = document.createElement("div");
  const component = mount(ServerReason, { target, props: { text, raw } });
  const copy = target.cloneNode(true) as HTMLElement;
  unmount(component);
  return copy;
}

const known: ServerText = { en: "Unpaid invoice RE-2026-000107", de: "Unbezahlte Rechnung RE-2026-000107", server_words: false };
const unknown: ServerText = { en: "Held for manual review", de: "Held for manual review", server_words: true };

describe("a status reason the portal worded", () => {
  it("trust: a known reason shows in the window's language, unmarked", () => {
    locale.lang = "de";
    const de = shown(known, known.en);
    expect(de.textContent?.trim()).toBe("Unbezahlte Rechnung RE-2026-000107");
    expect(de.querySelector("[data-testid=server-words]")).toBeNull();
    locale.lang = "en";
    expect(shown(known, known.en).textContent?.trim()).toBe("Unpaid invoice RE-2026-000107");
  });

  it("trust: the portal's unknown words are quoted and labelled, in German and English", () => {
    locale.lang = "de";
    const de = shown(unknown, unknown.en);
    expect(de.querySelector("[data-testid=server-words] .label")?.textContent).toBe("Meldung des Portals, nicht übersetzt:");
    expect(de.textContent?.replace(/\s+/g, " ").trim()).toBe("Meldung des Portals, nicht übersetzt: „Held for manual review“");
    expect(serverText(unknown, unknown.en)).toBe("Meldung des Portals, nicht übersetzt: „Held for manual review“");
    locale.lang = "en";
    const en = shown(unknown, unknown.en);
    expect(en.textContent?.replace(/\s+/g, " ").trim()).toBe("Portal message: “Held for manual review”");
    expect(serverText(unknown, unknown.en)).toBe("Portal message: “Held for manual review”");
  });

  it("trust: a reason without the core's reading is marked as the portal's words, never shown bare", () => {
    locale.lang = "de";
    expect(shown(null, "Unpaid invoice RE-1").querySelector("[data-testid=server-words]")?.textContent).toContain("„Unpaid invoice RE-1“");
    expect(serverText(undefined, "Unpaid invoice RE-1")).toBe("Meldung des Portals, nicht übersetzt: „Unpaid invoice RE-1“");
    expect(serverText(undefined, null)).toBeNull();
    expect(shown(null, null).textContent?.trim()).toBe("");
  });
});
