// Strings of the first screen: the demo, and the portal preview. Servercow's customer
// portal has no public API, so the portal connection is a preview that signs in only to
// a server the user enters (docs/portal-api.yaml); there is no default address.

export const en = {
  "login.title": "Welcome to cowdesk",
  "login.subtitle": "Invoices, contracts, domains and mailboxes of every account shared with you — on your desktop, also offline.",
  "login.demo": "Try the demo",
  "login.demoHint": "Sample data from a built-in sandbox. No account needed.",
  "login.damagedCacheTitle": "The local cache was damaged",
  "login.damagedCache": "cowdesk could not read it and has started a new one. The damaged file is kept here:",
  "login.damagedCacheNext": "Connect or sign in again; your data on the servers is unaffected.",
  "login.starting": "Starting the demo…",
  "login.or": "or",
  "login.preview": "Portal preview",
  "login.previewTag": "Preview",
  "login.previewSummary": "Sign in to a server that speaks cowdesk’s portal contract.",
  "login.previewExplain": "Servercow’s customer portal has no public API, so cowdesk cannot sign in to it. This preview works only with a server you enter that speaks cowdesk’s portal contract (docs/portal-api.yaml), such as the sandbox that “cowdesk sandbox” starts.",
  "login.server": "Server address",
  "login.serverMissing": "Enter the address of a server that speaks cowdesk’s portal contract, such as the sandbox. There is no default: Servercow’s customer portal has no public API.",
  "login.email": "E-mail address",
  "login.password": "Password",
  "login.submit": "Sign in to the preview",
  "login.working": "Signing in…",
  "login.forgot": "Forgot password?",
  "login.resetSent": "If an account exists for {email}, the server has sent it a link to set a new password.",
  "login.resetNeedsEmail": "Enter your e-mail address first, then choose “Forgot password?”.",
  "login.fieldsHint": "Please check the marked fields.",
  "login.previewBadgeTitle": "Signed in to a portal preview server: {server}",
} as const;
