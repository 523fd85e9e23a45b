import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import DomainTransfer from "./DomainTransfer.svelte";
import type { TransferChecklist } from "../lib/bindings/TransferChecklist";
import { locale } from "../lib/i18n.svelte";
import { until } from "../test/util";

const ACCOUNT = "acc-100001";
const NAME = "mueller-webdesign.de";

function checklist(locked: boolean): TransferChecklist {
  return {
    domain: {
      name: NAME,
      expires_on: "2026-12-07",
      transfer_lock: locked,
      auto_renew: true,
      status: "active",
      lock_changed_at: "2026-11-25T09:30:00Z",
      service_ids: ["acc-100001-s3"],
      invoice_numbers: ["RE-2026-000023"],
    },
    open_invoices: [
      {
        number: "RE-2026-000023",
        issue_date: "2026-10-01",
        due_date: "2026-10-15",
        amount_cents: 4641,
        currency: "EUR",
        status: "overdue",
        dunning_level: 1,
        paid_on: null,
      },
    ],
    days_to_expiry: 12,
    expires_soon: true,
    code_valid_days: 30,
    unlocked: !locked,
    transfer_pending: false,
  };
}

afterEach(() => {
  clearMocks();
  locale.lang = "en";
});

function render() {
  const target = document.createElement("div");
  document.body.append(target);
  const component = mount(DomainTransfer, {
    target,
    props: { accountId: ACCOUNT, domainName: NAME, onclose: () => {}, onchanged: () => {} },
  });
  return { target, done: () => unmount(component) };
}

const q = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`[data-testid=${id}]`);

describe("domain transfer panel", () => {
  it("shows the checklist and keeps generate disabled while locked, with the reason", async () => {
    mockIPC((cmd) => (cmd === "domain_checklist" ? checklist(true) : null));
    const { target, done } = render();
    await until(() => q(target, "generate-authcode") !== null);
    expect((q(target, "generate-authcode") as HTMLButtonElement).disabled).toBe(true);
    expect(q(target, "generate-reason")?.textContent).toContain("Disable the transfer lock first");
    expect(q(target, "checklist-invoice")?.dataset.number).toBe("RE-2026-000023");
    expect(q(target, "checklist-expiry")?.textContent).toContain("12 days");
    expect(q(target, "checklist-validity")?.textContent).toContain("30 days");
    done();
  });

  it("asks before unlocking, then generates, reveals and copies through Rust", async () => {
    let locked = true;
    const calls: string[] = [];
    const clipboardWrite = vi.fn();
    Object.defineProperty(navigator, "clipboard", { value: { writeText: clipboardWrite }, configurable: true });
    mockIPC((cmd, args) => {
      calls.push(cmd);
      const a = args as Record<string, unknown>;
      switch (cmd) {
        case "domain_checklist":
          return checklist(locked);
        case "set_transfer_lock":
          locked = a.locked as boolean;
          return checklist(locked).domain;
        case "generate_authcode":
          return { domain: NAME, code: "Kx7-Qm2_Zt9+Wp4", valid_days: 30 };
        default:
          return null;
      }
    });
    const { target, done } = render();
    await until(() => q(target, "lock-toggle") !== null);
    q(target, "lock-toggle")?.click();
    flushSync();
    expect(calls).not.toContain("set_transfer_lock");
    q(target, "lock-confirm")?.click();
    await until(() => !(q(target, "generate-authcode") as HTMLButtonElement | null)?.disabled);
    expect(calls).toContain("set_transfer_lock");

    q(target, "generate-authcode")?.click();
    await until(() => q(target, "authcode-value") !== null);
    const field = q(target, "authcode-value") as HTMLInputElement;
    expect(field.type).toBe("password");
    expect(field.value).toBe("Kx7-Qm2_Zt9+Wp4");
    q(target, "authcode-reveal")?.click();
    flushSync();
    expect(field.type).toBe("text");

    q(target, "authcode-copy")?.click();
    await until(() => q(target, "authcode-copied") !== null);
    expect(calls).toContain("copy_authcode");
    expect(clipboardWrite).not.toHaveBeenCalled();

    q(target, "transfer-close")?.click();
    await until(() => calls.includes("forget_authcode"));
    done();
  });

  it("explains a refusal from the server in German", async () => {
    locale.lang = "de";
    mockIPC((cmd) => {
      if (cmd === "domain_checklist") return checklist(false);
      if (cmd === "generate_authcode") {
        throw {
          kind: "conflict",
          message: "The transfer lock of mueller-webdesign.de is on.",
          message_de: "Die Transfersperre von mueller-webdesign.de ist aktiv.",
          fields: {},
          fields_de: {},
          server_words: false,
        };
      }
      return null;
    });
    const { target, done } = render();
    await until(() => q(target, "generate-authcode") !== null);
    q(target, "generate-authcode")?.click();
    await until(() => q(target, "transfer-error") !== null);
    expect(q(target, "transfer-error")?.textContent).toContain("Transfersperre");
    done();
  });
});
