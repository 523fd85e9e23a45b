// Typed wrappers over the domain transfer and activity commands (src-tauri/commands/domains.rs).

import { invoke } from "@tauri-apps/api/core";
import type { ActivityEntry } from "./bindings/ActivityEntry";
import type { Authcode } from "./bindings/Authcode";
import type { Domain } from "./bindings/Domain";
import type { TransferChecklist } from "./bindings/TransferChecklist";

export const domainsApi = {
  checklist: (accountId: string, domainName: string) =>
    invoke<TransferChecklist>("domain_checklist", { accountId, domainName }),
  setTransferLock: (accountId: string, domainName: string, locked: boolean) =>
    invoke<Domain>("set_transfer_lock", { accountId, domainName, locked }),
  generateAuthcode: (accountId: string, domainName: string) =>
    invoke<Authcode>("generate_authcode", { accountId, domainName }),
  /** Copies the code generated last, from Rust; the window never writes the clipboard. */
  copyAuthcode: (accountId: string, domainName: string) =>
    invoke<void>("copy_authcode", { accountId, domainName }),
  forgetAuthcode: () => invoke<void>("forget_authcode"),
  needingRelock: (accountId: string) => invoke<Domain[]>("domains_needing_relock", { accountId }),
  activity: (accountId: string) => invoke<ActivityEntry[]>("list_activity", { accountId }),
};
