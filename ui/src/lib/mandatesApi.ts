// Typed wrappers over the mandate commands (src-tauri/commands/mandates.rs).

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ApprovalProgress } from "./bindings/ApprovalProgress";
import type { Mandate } from "./bindings/Mandate";
import type { MandateImpact } from "./bindings/MandateImpact";
import type { SepaCheck } from "./bindings/SepaCheck";

export const mandatesApi = {
  checkSepa: (holder: string, iban: string, bic: string) => invoke<SepaCheck>("check_sepa", { holder, iban, bic }),
  addSepa: (accountId: string, holder: string, iban: string, bic: string) =>
    invoke<Mandate>("add_sepa_mandate", { accountId, holder, iban, bic }),
  /** Opens the provider's page in the system browser (from Rust) and waits for approval. */
  addWithProvider: (accountId: string, kind: "paypal" | "card") =>
    invoke<Mandate>("add_provider_mandate", { accountId, kind }),
  stopWaiting: () => invoke<void>("cancel_mandate_approval"),
  reopenApproval: () => invoke<void>("reopen_mandate_approval"),
  impact: (accountId: string, mandateId: string) => invoke<MandateImpact>("mandate_impact", { accountId, mandateId }),
  /** Makes the mandate the default for new invoices, or cancels it. */
  change: (accountId: string, mandateId: string, action: "default" | "cancel") =>
    invoke<Mandate>("change_mandate", { accountId, mandateId, action }),
  onApproval: (f: (p: ApprovalProgress) => void): Promise<UnlistenFn> =>
    listen<ApprovalProgress>("mandate-approval", (e) => f(e.payload)),
};
