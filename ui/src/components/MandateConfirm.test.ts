import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import MandateConfirm from "./MandateConfirm.svelte";
import type { Mandate } from "../lib/bindings/Mandate";
import type { MandateImpact } from "../lib/bindings/MandateImpact";
import { until } from "../test/util";

const sepa: Mandate = {
  id: "m-1",
  kind: "sepa",
  label: "DE89 **** **** **** **30 00",
  status: "active",
  is_default: false,
  created_on: "2026-01-01",
};
const impact = (last: boolean): MandateImpact => ({
  mandate: sepa,
  last_active: last,
  open_invoices: [
    {
      number: "RE-2026-000024",
      issue_date: "2026-11-10",
      due_date: "2026-11-26",
      amount_cents: 1773,
      currency: "EUR",
      status: "open",
      dunning_level: 0,
      paid_on: null,
    },
  ],
});

afterEach(() => clearMocks());

function render(action: "default" | "cancel", ondone: (m: Mandate) => void = () => {}) {
  const target = document.createElement("div");
  const component = mount(MandateConfirm, {
    target,
    props: { accountId: "acc-100001", mandate: sepa, action, onclose: () => {}, ondone },
  });
  return { target, done: () => unmount(component) };
}

describe("mandate confirmation", () => {
  it("explains that only new invoices use the default and lists the open ones", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "mandate_impact") return impact(false);
      if (cmd === "change_mandate") return { ...sepa, is_default: true };
      return null;
    });
    let done: Mandate | null = null;
    const view = render("default", (m) => (done = m));
    await until(() => view.target.querySelector("[data-testid=impact-invoice]") !== null);
    expect(view.target.textContent).toContain("Only new invoices");
    expect(calls).not.toContain("change_mandate");
    view.target.querySelector<HTMLElement>("[data-testid=mandate-confirm-button]")?.click();
    await until(() => done !== null);
    view.done();
  });

  it("warns that a cancelled SEPA mandate may still collect, and about the last mandate", async () => {
    mockIPC((cmd) => (cmd === "mandate_impact" ? impact(true) : null));
    const view = render("cancel");
    await until(() => view.target.querySelector("[data-testid=last-mandate-warning]") !== null);
    expect(view.target.textContent).toContain("may still be collected");
    expect(view.target.querySelector("[data-testid=impact-invoice]")?.getAttribute("data-number")).toBe("RE-2026-000024");
    view.done();
  });
});
