// The English catalogue, a chunk of its own: loaded when the language is used
// (src/lib/i18n.svelte.ts), so the start parses one language's strings, and those
// while the core answers.

import { en as login } from "./login";
import { en as mailcow } from "./mailcow";
import { en as shell } from "./shell";
import { en as billing } from "./billing";
import { en as domains } from "./domains";
import { en as dns } from "./dns";
import { en as mandates } from "./mandates";
import { en as alerts } from "./alerts";
import { en as mail } from "./mail";
import { en as maildoctor } from "./maildoctor";
import { en as support } from "./support";

export const catalogue = {
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
} as const;
