import { describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import EmailChips from "./EmailChips.svelte";

function type(input: HTMLInputElement, text: string, key: string) {
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
  flushSync();
}

describe("billing e-mail chips", () => {
  it("splits a ;-list into chips, marks bad ones and removes chips", () => {
    const props = $state({ emails: ["rechnung@mueller.de"], id: "emails" });
    const target = document.createElement("div");
    const component = mount(EmailChips, { target, props });
    flushSync();
    const input = target.querySelector("input") as HTMLInputElement;
    type(input, "buchhaltung@mueller.de;kein-at", "Enter");
    expect(props.emails).toEqual(["rechnung@mueller.de", "buchhaltung@mueller.de", "kein-at"]);
    const chips = [...target.querySelectorAll("[data-testid=email-chip]")];
    expect(chips.map((c) => c.classList.contains("bad"))).toEqual([false, false, true]);
    // Duplicates are not added twice, whatever their case.
    type(input, "RECHNUNG@mueller.de", ";");
    expect(props.emails).toHaveLength(3);
    // Each chip has its own labelled remove button.
    const remove = target.querySelectorAll<HTMLButtonElement>("[data-testid=email-chip-remove]");
    expect(remove[2]?.getAttribute("aria-label")).toBe("Remove kein-at");
    remove[2]?.click();
    flushSync();
    expect(props.emails).toEqual(["rechnung@mueller.de", "buchhaltung@mueller.de"]);
    // Backspace in the empty field removes the last chip.
    type(input, "", "Backspace");
    expect(props.emails).toEqual(["rechnung@mueller.de"]);
    unmount(component);
  });
});
