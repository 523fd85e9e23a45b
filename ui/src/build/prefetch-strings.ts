// A build step (vite.config.ts): index.html fetches the strings of the language the page's
// locale suggests while the page's code loads, so that the start's `loadLanguage` finds
// them instead of asking for them after that code has run.

import type { Plugin } from "vite";

type Language = "en" | "de";

/** What the plugin reads of the build's output. */
export interface OutputFile {
  type: string;
  fileName: string;
  facadeModuleId?: string | null;
}

/** Each language's chunk (src/lib/messages/<language>/index.ts) in the build's output. */
export function stringChunks(bundle: Record<string, OutputFile>): Record<Language, string> {
  const found: Partial<Record<Language, string>> = {};
  for (const file of Object.values(bundle)) {
    const match = /messages\/(en|de)\/index\.ts$/.exec(file.facadeModuleId ?? "");
    if (file.type === "chunk" && match) found[match[1] as Language] = file.fileName;
  }
  if (!found.en || !found.de) throw new Error("the build has no chunk of English or German strings");
  return { en: found.en, de: found.de };
}

/** The page's first guess of the language is `likelyLanguage`'s (src/lib/i18n.svelte.ts). */
export function prefetchScript(chunks: Record<Language, string>): string {
  const de = JSON.stringify(`./${chunks.de}`);
  const en = JSON.stringify(`./${chunks.en}`);
  return `import(navigator.language.toLowerCase().startsWith("de") ? ${de} : ${en}).catch(function () {});`;
}

export function prefetchStrings(): Plugin {
  return {
    name: "cowdesk-prefetch-strings",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, context) {
        const chunks = stringChunks((context.bundle ?? {}) as Record<string, OutputFile>);
        return [{ tag: "script", children: prefetchScript(chunks), injectTo: "head-prepend" }];
      },
    },
  };
}
