// Typed wrappers over the mail DNS doctor commands (src-tauri/commands/dnscheck.rs).

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { DnsFinding } from "./bindings/DnsFinding";
import type { DnsFixOutcome } from "./bindings/DnsFixOutcome";
import type { DnsFixPlan } from "./bindings/DnsFixPlan";
import type { DnsProgress } from "./bindings/DnsProgress";
import type { DnsReport } from "./bindings/DnsReport";
import type { DnsSettings } from "./bindings/DnsSettings";
import { hasMessage, t } from "./i18n.svelte";

export const dnsApi = {
  settings: () => invoke<DnsSettings>("dns_settings"),
  setResolver: (resolver: string | null) => invoke<DnsSettings>("set_dns_resolver", { resolver }),
  /** The password goes to the keyring in Rust; it never comes back. */
  setCredentials: (username: string, password: string) =>
    invoke<DnsSettings>("set_dns_api_credentials", { username, password }),
  clearCredentials: () => invoke<DnsSettings>("clear_dns_api_credentials"),
  check: (domainName: string) => invoke<DnsReport>("dns_check", { domainName }),
  plan: (domainName: string, dkim: string | null) => invoke<DnsFixPlan>("dns_fix_plan", { domainName, dkim }),
  /** Applies the plan Rust made and showed last for this domain. */
  apply: (domainName: string) => invoke<DnsFixOutcome>("dns_fix_apply", { domainName }),
  onProgress: (f: (p: DnsProgress) => void): Promise<UnlistenFn> =>
    listen<DnsProgress>("dns-progress", (e) => f(e.payload)),
};

/** A finding in the current language, its parameters filled in. */
export function findingText(f: DnsFinding): string {
  const key = `dns.code.${f.code}`;
  if (!hasMessage(key)) return f.code;
  const params: Record<string, string> = { tag: "", ...f.params };
  const missing = `dns.missing.${f.params.missing ?? ""}`;
  if (hasMessage(missing)) params.missing = t(missing);
  return t(key, params);
}
