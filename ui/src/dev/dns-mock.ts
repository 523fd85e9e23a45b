// The mail DNS doctor in the browser preview (see mock.ts): a domain whose mail DNS is
// broken until "Fix it" is applied, DNS API credentials kept in memory, progress events.

import { emit } from "@tauri-apps/api/event";
import type { DnsFinding } from "../lib/bindings/DnsFinding";
import type { DnsFixPlan } from "../lib/bindings/DnsFixPlan";
import type { DnsReport } from "../lib/bindings/DnsReport";
import type { DnsSettings } from "../lib/bindings/DnsSettings";

const state: { fixed: Set<string>; settings: DnsSettings } = {
  fixed: new Set(),
  settings: { resolver: "127.0.0.1:5353", api_username: null },
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function f(
  check: DnsFinding["check"],
  status: DnsFinding["status"],
  code: string,
  params: Record<string, string> = {},
  record: DnsFinding["record"] = null,
): DnsFinding {
  return { check, status, code, params, record };
}

/** Broken until fixed: mueller-shop.de, and names with "-1." like the sandbox's. */
function isBroken(domain: string): boolean {
  return (/-1\./.test(domain) || domain === "mueller-shop.de") && !state.fixed.has(domain);
}

function report(domain: string): DnsReport {
  const broken = isBroken(domain);
  const findings: DnsFinding[] = broken
    ? [
        f("mx", "fail", "mx_wrong", { found: "mx.old-provider.example" }, { name: domain, record_type: "MX", value: "10 hosted.mailcow.de." }),
        f("spf", "fail", "spf_no_mailcow", {}, { name: domain, record_type: "TXT", value: "v=spf1 ip4:203.0.113.20 include:spf.mailcow.de ~all" }),
        f("spf", "fail", "spf_bad_all", { found: "?all" }, { name: domain, record_type: "TXT", value: "v=spf1 ip4:203.0.113.20 include:spf.mailcow.de ~all" }),
        f("dkim", "pass", "dkim_ok", { name: `dkim._domainkey.${domain}`, bits: "2048" }),
        f("dmarc", "fail", "dmarc_too_early", { policy: "reject", missing: "spf" }, { name: `_dmarc.${domain}`, record_type: "TXT", value: `v=DMARC1; p=none; rua=mailto:dmarc@${domain}` }),
        f("autoconfig", "warn", "autoconfig_missing", { name: `autoconfig.${domain}` }, { name: `autoconfig.${domain}`, record_type: "CNAME", value: "hosted.mailcow.de." }),
        f("autoconfig", "warn", "autoconfig_wrong", { name: `autodiscover.${domain}`, found: "autodiscover.old-provider.example" }, { name: `autodiscover.${domain}`, record_type: "CNAME", value: "hosted.mailcow.de." }),
      ]
    : [
        f("mx", "pass", "mx_ok"),
        f("spf", "pass", "spf_ok", { lookups: "1", max: "10" }),
        f("dkim", "pass", "dkim_ok", { name: `dkim._domainkey.${domain}`, bits: "2048" }),
        f("dmarc", "pass", "dmarc_ok", { policy: "quarantine" }),
        f("autoconfig", "pass", "autoconfig_ok", { name: `autoconfig.${domain}` }),
        f("autoconfig", "pass", "autoconfig_ok", { name: `autodiscover.${domain}` }),
      ];
  const status = findings.some((x) => x.status === "fail") ? "fail" : findings.some((x) => x.status === "warn") ? "warn" : "pass";
  return { domain, resolver: state.settings.resolver, checked_at: new Date().toISOString(), status, findings };
}

async function checking(domain: string): Promise<DnsReport> {
  const steps = ["mx", "spf", "dkim", "dmarc", "autoconfig"];
  for (const [i, step] of steps.entries()) {
    void emit("dns-progress", { domain, step, done: i, total: steps.length });
    await pause(120);
  }
  void emit("dns-progress", { domain, step: "done", done: steps.length, total: steps.length });
  return report(domain);
}

function plan(domain: string): DnsFixPlan {
  if (!isBroken(domain)) return { domain, changes: [], not_fixable: [] };
  return {
    domain,
    changes: [
      { name: "", record_type: "MX", before: ["10 mx.old-provider.example."], after: ["10 hosted.mailcow.de."], fixes: ["mx_wrong"] },
      {
        name: "",
        record_type: "TXT",
        before: ["google-site-verification=4vQm8XtR2dLkP9wE", "v=spf1 ip4:203.0.113.20 ?all"],
        after: ["google-site-verification=4vQm8XtR2dLkP9wE", "v=spf1 ip4:203.0.113.20 include:spf.mailcow.de ~all"],
        fixes: ["spf_no_mailcow", "spf_bad_all"],
      },
      { name: "autoconfig", record_type: "CNAME", before: [], after: ["hosted.mailcow.de."], fixes: ["autoconfig_missing"] },
      { name: "autodiscover", record_type: "CNAME", before: ["autodiscover.old-provider.example."], after: ["hosted.mailcow.de."], fixes: ["autoconfig_wrong"] },
    ],
    not_fixable: [],
  };
}

const noCredentials = {
  kind: "conflict",
  message: "Store the DNS API credentials first (DNS API access in the customer portal).",
  message_de: "Bitte zuerst die Zugangsdaten der DNS-API speichern (DNS-API-Zugang im Kundenportal).",
  fields: {},
  fields_de: {},
  server_words: false,
};

/** The answer to a DNS doctor command, or undefined for any other command. */
export async function dnsAnswer(cmd: string, a: Record<string, string | null | undefined>): Promise<unknown> {
  const domain = a.domainName ?? "";
  switch (cmd) {
    case "dns_settings":
      return state.settings;
    case "set_dns_resolver": {
      const value = (a.resolver ?? "").trim();
      if (value !== "" && !/^[\d.:[\]a-f]+$/i.test(value)) {
        const message = "Enter the resolver as an IP address, optionally with a port (e.g. 9.9.9.9 or 127.0.0.1:5353).";
        const de = "Geben Sie den Resolver als IP-Adresse ein, optional mit Port (z. B. 9.9.9.9 oder 127.0.0.1:5353).";
        throw { kind: "invalid_input", message, message_de: de, fields: { resolver: message }, fields_de: { resolver: de }, server_words: false };
      }
      state.settings = { ...state.settings, resolver: value === "" ? null : value.includes(":") ? value : `${value}:53` };
      return state.settings;
    }
    case "set_dns_api_credentials":
      if (!(a.username ?? "").trim()) {
        const message = "Enter the user name of the DNS API access from the customer portal.";
        const de = "Bitte den Benutzernamen des DNS-API-Zugangs aus dem Kundenportal eingeben.";
        throw { kind: "invalid_input", message, message_de: de, fields: { username: message }, fields_de: { username: de }, server_words: false };
      }
      state.settings = { ...state.settings, api_username: (a.username ?? "").trim() };
      return state.settings;
    case "clear_dns_api_credentials":
      state.settings = { ...state.settings, api_username: null };
      return state.settings;
    case "dns_check":
      return checking(domain);
    case "dns_fix_plan":
      if (!state.settings.api_username) throw noCredentials;
      await checking(domain);
      return plan(domain);
    case "dns_fix_apply": {
      if (!state.settings.api_username) throw noCredentials;
      const changes = plan(domain).changes;
      for (const [i] of changes.entries()) {
        void emit("dns-progress", { domain, step: "apply", done: i, total: changes.length });
        await pause(150);
      }
      state.fixed.add(domain);
      return { applied: changes, not_applied: [], error: null, report: await checking(domain) };
    }
    default:
      return undefined;
  }
}
