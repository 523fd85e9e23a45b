import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import DnsDoctor from "./DnsDoctor.svelte";
import type { DnsFinding } from "../lib/bindings/DnsFinding";
import type { DnsFixPlan } from "../lib/bindings/DnsFixPlan";
import type { DnsReport } from "../lib/bindings/DnsReport";
import type { DnsSettings } from "../lib/bindings/DnsSettings";
import { locale } from "../lib/i18n.svelte";
import { until } from "../test/util";

const DOMAIN = "mueller-1.de";

function finding(check: DnsFinding["check"], status: DnsFinding["status"], code: string, params: Record<string, string> = {}, record: DnsFinding["record"] = null): DnsFinding {
  return { check, status, code, params, record };
}

const broken: DnsReport = {
  domain: DOMAIN,
  resolver: "127.0.0.1:5353",
  checked_at: "2026-12-02T06:00:00Z",
  status: "fail",
  findings: [
    finding("mx", "fail", "mx_wrong", { found: "mx.old-provider.example" }, { name: DOMAIN, record_type: "MX", value: "10 hosted.mailcow.de." }),
    finding("spf", "fail", "spf_multiple", { count: "2" }, { name: DOMAIN, record_type: "TXT", value: "v=spf1 ip4:198.51.100.7 include:spf.mailcow.de -all" }),
    finding("dkim", "warn", "dkim_weak", { name: `dkim._domainkey.${DOMAIN}`, bits: "1024" }),
    finding("dmarc", "fail", "dmarc_too_early", { policy: "reject", missing: "spf" }),
    finding("autoconfig", "pass", "autoconfig_ok", { name: `autoconfig.${DOMAIN}` }),
  ],
};

const good: DnsReport = {
  ...broken,
  status: "pass",
  findings: [finding("mx", "pass", "mx_ok"), finding("spf", "pass", "spf_ok", { lookups: "1", max: "10" })],
};

const plan: DnsFixPlan = {
  domain: DOMAIN,
  changes: [
    { name: "", record_type: "MX", before: ["10 mx.old-provider.example."], after: ["10 hosted.mailcow.de."], fixes: ["mx_wrong"] },
    {
      name: "",
      record_type: "TXT",
      before: ["v=spf1 ip4:198.51.100.7 -all", "v=spf1 include:spf.mailcow.de ~all", "keep=me"],
      after: ["v=spf1 ip4:198.51.100.7 include:spf.mailcow.de -all", "keep=me"],
      fixes: ["spf_multiple"],
    },
  ],
  not_fixable: ["dkim_weak"],
};

interface Calls {
  [cmd: string]: Record<string, unknown>[];
}

function backend(initial: DnsSettings, halfWay = false) {
  const calls: Calls = {};
  let settings = initial;
  let fixed = false;
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      (calls[cmd] ??= []).push(a);
      switch (cmd) {
        case "dns_settings":
          return settings;
        case "dns_check":
          return fixed ? good : broken;
        case "set_dns_api_credentials":
          if (a.username === "refused") {
            // A field problem in the portal's words next to a general message.
            throw {
              kind: "invalid_input",
              message: "Please check the highlighted fields.",
              message_de: "Bitte prüfen Sie die markierten Felder.",
              fields: { username: "Access suspended by the registry" },
              fields_de: { username: "Access suspended by the registry" },
              server_words: true,
            };
          }
          if (a.username === "") {
            const en = "Enter the user name of the DNS API access from the customer portal.";
            const de = "Bitte den Benutzernamen des DNS-API-Zugangs aus dem Kundenportal eingeben.";
            throw { kind: "invalid_input", message: en, message_de: de, fields: { username: en }, fields_de: { username: de }, server_words: false };
          }
          settings = { ...settings, api_username: String(a.username) };
          return settings;
        case "set_dns_resolver":
          throw { kind: "invalid_input", message: "Enter the resolver as an IP address.", message_de: "Geben Sie den Resolver als IP-Adresse ein.", fields: { resolver: "Enter the resolver as an IP address." } };
        case "dns_fix_plan":
          return plan;
        case "dns_fix_apply":
          if (halfWay) {
            return {
              applied: plan.changes.slice(0, 1),
              not_applied: plan.changes.slice(1),
              error: { kind: "conflict", message: "The DNS API refused the change: quota.", message_de: "Die DNS-API hat die Änderung abgelehnt: quota.", fields: {}, fields_de: {}, server_words: false },
              report: broken,
            };
          }
          fixed = true;
          return { applied: plan.changes, not_applied: [], error: null, report: good };
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}

afterEach(() => {
  clearMocks();
  locale.lang = "en";
  document.body.innerHTML = "";
});

function render() {
  const target = document.createElement("div");
  document.body.append(target);
  const component = mount(DnsDoctor, { target, props: { domain: DOMAIN, onclose: () => {} } });
  return { target, done: () => unmount(component) };
}

const q = <T extends HTMLElement = HTMLElement>(id: string) => document.querySelector<T>(`[data-testid=${id}]`);
const all = (id: string) => [...document.querySelectorAll<HTMLElement>(`[data-testid=${id}]`)];

function type(input: HTMLInputElement | null, value: string) {
  if (!input) throw new Error("no input");
  input.value = value;
  input.dispatchEvent(new Event("input"));
}

describe("mail DNS doctor (mailsetup)", () => {
  it("groups the findings by check, worded, with the record to publish", async () => {
    backend({ resolver: "127.0.0.1:5353", api_username: null });
    const { done } = render();
    await until(() => all("dns-group").length === 5);
    expect(all("dns-group").map((g) => `${g.dataset.check}:${g.dataset.status}`)).toEqual([
      "mx:fail",
      "spf:fail",
      "dkim:warn",
      "dmarc:fail",
      "autoconfig:pass",
    ]);
    const spf = all("dns-finding").find((f) => f.dataset.code === "spf_multiple");
    expect(spf?.textContent).toContain("There are 2 SPF records");
    expect(spf?.querySelector("[data-testid=dns-record]")?.textContent).toContain("v=spf1 ip4:198.51.100.7 include:spf.mailcow.de -all");
    expect(spf?.querySelector("button")?.getAttribute("aria-label")).toBe(`Copy the TXT record of ${DOMAIN}`);
    expect(all("dns-finding").find((f) => f.dataset.code === "dmarc_too_early")?.textContent).toContain("but SPF does not pass yet");
    expect(q("dns-summary")?.dataset.status).toBe("fail");
    expect(q("dns-summary")?.textContent).toContain("127.0.0.1:5353");
    // No DNS API access stored: Fix it is off, and the hint says why.
    expect(q<HTMLButtonElement>("dns-fix")?.disabled).toBe(true);
    expect(document.getElementById("dns-fix-hint")?.textContent).toContain("Store the DNS API credentials");
    done();
  });

  it("stores the DNS API access through Rust and never gets the password back", async () => {
    const calls = backend({ resolver: null, api_username: null });
    const { done } = render();
    await until(() => q("dns-fix") !== null);
    type(q<HTMLInputElement>("dns-api-user"), "cowdesk-dns");
    type(q<HTMLInputElement>("dns-api-password"), "s3cret");
    q("dns-api-save")?.closest("form")?.requestSubmit();
    await until(() => q("dns-api-stored") !== null);
    expect(calls.set_dns_api_credentials).toEqual([{ username: "cowdesk-dns", password: "s3cret" }]);
    expect(q("dns-api-stored")?.textContent).toContain("cowdesk-dns");
    expect(q<HTMLInputElement>("dns-api-password")?.value).toBe("");
    expect(document.body.textContent).not.toContain("s3cret");
    expect(q<HTMLButtonElement>("dns-fix")?.disabled).toBe(false);
    done();
  });

  it("trust: a refused DNS API access names the field's problem in German, the portal's words marked", async () => {
    locale.lang = "de";
    backend({ resolver: null, api_username: null });
    const { done } = render();
    await until(() => q("dns-fix") !== null);
    type(q<HTMLInputElement>("dns-api-user"), "");
    type(q<HTMLInputElement>("dns-api-password"), "s3cret");
    q("dns-api-save")?.closest("form")?.requestSubmit();
    await until(() => q("dns-api-error") !== null);
    expect(q("dns-api-error")?.textContent).toBe("Bitte den Benutzernamen des DNS-API-Zugangs aus dem Kundenportal eingeben.");
    type(q<HTMLInputElement>("dns-api-user"), "refused");
    type(q<HTMLInputElement>("dns-api-password"), "s3cret");
    q("dns-api-save")?.closest("form")?.requestSubmit();
    await until(() => q("dns-api-error")?.textContent?.includes("registry") ?? false);
    expect(q("dns-api-error")?.textContent).toBe("Meldung des Portals, nicht übersetzt: „Access suspended by the registry“");
    expect(q<HTMLInputElement>("dns-api-user")?.getAttribute("aria-invalid")).toBe("true");
    done();
  });

  it("shows the Fix it diff to confirm, applies it by domain and shows the re-check", async () => {
    const calls = backend({ resolver: null, api_username: "cowdesk-dns" });
    const { done } = render();
    await until(() => q<HTMLButtonElement>("dns-fix")?.disabled === false);
    q("dns-fix")?.click();
    await until(() => q("dns-plan") !== null);
    const rows = all("dns-change");
    expect(rows.map((r) => r.dataset.type)).toEqual(["MX", "TXT"]);
    // The unrelated TXT value is kept, the two SPF records become one.
    const txt = rows[1]!;
    expect(txt.querySelectorAll("code.old.gone")).toHaveLength(2);
    expect(txt.querySelectorAll("code.new.added")).toHaveLength(1);
    expect([...txt.querySelectorAll("code.new")].map((c) => c.textContent)).toContain("keep=me");
    expect(q("dns-plan-open")?.textContent).toContain("dkim weak");
    // A weak key: the paste field for mailcow's key is offered.
    expect(q("dns-dkim")).not.toBeNull();
    expect(calls.dns_fix_apply).toBeUndefined();

    q("dns-apply")?.click();
    await until(() => q("dns-applied") !== null);
    expect(calls.dns_fix_apply).toEqual([{ domainName: DOMAIN }]);
    expect(q("dns-plan")).toBeNull();
    expect(q("dns-applied")?.textContent).toContain("2 changes applied");
    expect(q("dns-summary")?.dataset.status).toBe("pass");
    done();
  });

  it("trust: a Fix it stopped half-way lists the sets changed and not changed", async () => {
    locale.lang = "de";
    backend({ resolver: null, api_username: "cowdesk-dns" }, true);
    const { done } = render();
    await until(() => q<HTMLButtonElement>("dns-fix")?.disabled === false);
    q("dns-fix")?.click();
    await until(() => q("dns-plan") !== null);
    q("dns-apply")?.click();
    await until(() => q("dns-stopped") !== null);
    expect(q("dns-applied")).toBeNull();
    expect(all("dns-changed").map((e) => e.textContent?.split(" ").slice(0, 2).join(" "))).toEqual([`MX ${DOMAIN}`]);
    expect(all("dns-unchanged").map((e) => e.textContent?.split(" ").slice(0, 2).join(" "))).toEqual([`TXT ${DOMAIN}`]);
    expect(q("dns-stopped")?.textContent).toContain("abgelehnt: quota");
    expect(q("dns-summary")?.dataset.status).toBe("fail");
    done();
  });

  it("cancels the plan with Escape and changes nothing", async () => {
    const calls = backend({ resolver: null, api_username: "cowdesk-dns" });
    const { done } = render();
    await until(() => q<HTMLButtonElement>("dns-fix")?.disabled === false);
    q("dns-fix")?.click();
    await until(() => q("dns-plan") !== null);
    q("dns-plan")?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    flushSync();
    expect(q("dns-plan")).toBeNull();
    expect(calls.dns_fix_apply).toBeUndefined();
    expect(document.activeElement).toBe(q("dns-fix"));
    done();
  });

  it("speaks German and names a bad resolver", async () => {
    locale.lang = "de";
    backend({ resolver: null, api_username: null });
    const { done } = render();
    await until(() => all("dns-finding").length > 0);
    expect(all("dns-finding").find((f) => f.dataset.code === "mx_wrong")?.textContent).toContain("statt auf hosted.mailcow.de");
    expect(document.body.textContent).toContain("Absenderrichtlinie (SPF)");
    type(q<HTMLInputElement>("dns-resolver"), "dns.google");
    q("dns-resolver")?.closest("form")?.requestSubmit();
    await until(() => q<HTMLInputElement>("dns-resolver")?.getAttribute("aria-invalid") === "true");
    expect(document.body.textContent).toContain("Geben Sie den Resolver als IP-Adresse ein.");
    done();
  });
});
