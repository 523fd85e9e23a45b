// Typed wrappers over the support desk's commands (src-tauri/commands/support*.rs).
// A secret goes to Rust only; the one answer that carries a key is a link just made.

import { invoke } from "@tauri-apps/api/core";
import type { BounceExplanation } from "./bindings/BounceExplanation";
import type { CachedTicketThread } from "./bindings/CachedTicketThread";
import type { GuardFinding } from "./bindings/GuardFinding";
import type { Listing } from "./bindings/Listing";
import type { SecretExpiry } from "./bindings/SecretExpiry";
import type { SecretLinkShown } from "./bindings/SecretLinkShown";
import type { SecretServerSettings } from "./bindings/SecretServerSettings";
import type { SupportCategory } from "./bindings/SupportCategory";
import type { SupportContext } from "./bindings/SupportContext";
import type { SupportDraft } from "./bindings/SupportDraft";
import type { SupportForm } from "./bindings/SupportForm";
import type { SupportGuardHit } from "./bindings/SupportGuardHit";
import type { SupportHandOff } from "./bindings/SupportHandOff";
import type { SupportSelection } from "./bindings/SupportSelection";
import type { SupportTicketText } from "./bindings/SupportTicketText";
import type { Ticket } from "./bindings/Ticket";

export type HandOffVia = "send" | "portal";

export const supportApi = {
  forms: () => invoke<SupportForm[]>("support_forms"),
  tickets: (accountId: string) => invoke<Listing<Ticket>>("support_tickets", { accountId }),
  thread: (accountId: string, ticketId: string) =>
    invoke<CachedTicketThread>("support_ticket_thread", { accountId, ticketId }),
  context: (accountId: string) => invoke<SupportContext>("support_context", { accountId }),
  draft: (accountId: string, category: SupportCategory, selection: SupportSelection) =>
    invoke<SupportDraft>("support_draft", { accountId, category, selection }),
  check: (draft: SupportDraft) => invoke<SupportTicketText>("support_check", { draft }),
  guard: (accountId: string | null, draft: SupportDraft) =>
    invoke<SupportGuardHit[]>("support_guard", { accountId, draft }),
  handOff: (accountId: string | null, draft: SupportDraft, via: HandOffVia) =>
    invoke<SupportHandOff>("support_hand_off", { accountId, draft, via }),
  replaceFinding: (
    accountId: string | null,
    draft: SupportDraft,
    field: string,
    finding: GuardFinding,
    expiry: SecretExpiry,
    oneTime: boolean,
  ) => invoke<SupportDraft>("support_replace_finding", { accountId, draft, field, finding, expiry, oneTime }),
  secretSettings: () => invoke<SecretServerSettings>("support_secret_settings"),
  setSecretServer: (server: string | null) => invoke<SecretServerSettings>("support_set_secret_server", { server }),
  createSecret: (secret: string, expiry: SecretExpiry, oneTime: boolean) =>
    invoke<SecretLinkShown>("support_create_secret", { secret, expiry, oneTime }),
  copySecretLink: (id: string) => invoke<void>("support_copy_secret_link", { id }),
  explainBounce: (accountId: string | null, text: string) =>
    invoke<BounceExplanation>("support_explain_bounce", { accountId, text }),
  bounceDraft: (accountId: string | null, text: string) =>
    invoke<SupportDraft>("support_bounce_draft", { accountId, text }),
  openBounceFile: () => invoke<string | null>("support_open_bounce_file"),
};
