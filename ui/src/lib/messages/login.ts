// Strings of the first screen: the demo, and the portal preview. Servercow's customer
// portal has no public API, so the portal connection is a preview that signs in only to
// a server the user enters (docs/portal-api.yaml); there is no default address.

export const en = {
  "login.title": "Welcome to cowdesk",
  "login.subtitle": "Invoices, contracts, domains and mailboxes of every account shared with you — on your desktop, also offline.",
  "login.demo": "Try the demo",
  "login.demoHint": "Sample data from a built-in sandbox. No account needed.",
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
} as const;

export const de: Record<keyof typeof en, string> = {
  "login.title": "Willkommen bei cowdesk",
  "login.subtitle": "Rechnungen, Verträge, Domains und Postfächer aller mit Ihnen geteilten Konten — auf Ihrem Desktop, auch offline.",
  "login.demo": "Demo ausprobieren",
  "login.demoHint": "Beispieldaten aus einer eingebauten Sandbox. Kein Konto nötig.",
  "login.starting": "Demo wird gestartet…",
  "login.or": "oder",
  "login.preview": "Portal-Vorschau",
  "login.previewTag": "Vorschau",
  "login.previewSummary": "Bei einem Server anmelden, der die Portal-Schnittstelle von cowdesk spricht.",
  "login.previewExplain": "Das Kundenportal von Servercow hat keine öffentliche API, daher kann sich cowdesk dort nicht anmelden. Diese Vorschau funktioniert nur mit einem Server, den Sie eingeben und der die Portal-Schnittstelle von cowdesk (docs/portal-api.yaml) spricht, etwa die Sandbox, die „cowdesk sandbox“ startet.",
  "login.server": "Server-Adresse",
  "login.serverMissing": "Geben Sie die Adresse eines Servers ein, der die Portal-Schnittstelle von cowdesk spricht, etwa die Sandbox. Eine Voreinstellung gibt es nicht: Das Kundenportal von Servercow hat keine öffentliche API.",
  "login.email": "E-Mail-Adresse",
  "login.password": "Passwort",
  "login.submit": "Bei der Vorschau anmelden",
  "login.working": "Anmeldung läuft…",
  "login.forgot": "Passwort vergessen?",
  "login.resetSent": "Falls ein Konto für {email} existiert, hat der Server einen Link zum Zurücksetzen des Passworts gesendet.",
  "login.resetNeedsEmail": "Geben Sie zuerst Ihre E-Mail-Adresse ein und wählen Sie dann „Passwort vergessen?“.",
  "login.fieldsHint": "Bitte prüfen Sie die markierten Felder.",
};
