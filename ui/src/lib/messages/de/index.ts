// The German catalogue, a chunk of its own: loaded when the language is used
// (src/lib/i18n.svelte.ts), so the start parses one language's strings, and those
// while the core answers.

import type { catalogue as en } from "../en";
import { de as login } from "./login";
import { de as mailcow } from "./mailcow";
import { de as shell } from "./shell";
import { de as billing } from "./billing";
import { de as domains } from "./domains";
import { de as dns } from "./dns";
import { de as mandates } from "./mandates";
import { de as alerts } from "./alerts";
import { de as mail } from "./mail";
import { de as maildoctor } from "./maildoctor";
import { de as support } from "./support";

export const catalogue: Record<keyof typeof en, string> = {
  "app.name": "cowdesk",
  ...login,
  ...mailcow,
  ...shell,
  ...billing,
  ...domains,
  ...dns,
  ...mandates,
  ...alerts,
  ...mail,
  ...maildoctor,
  ...support,
};
