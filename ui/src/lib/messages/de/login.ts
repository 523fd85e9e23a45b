// Strings of the first screen: the demo, and the portal preview. Servercow's customer
// portal has no public API, so the portal connection is a preview that signs in only to
// a server the user enters (docs/portal-api.yaml); there is no default address.

import type { en } from "../en/login";

export const de: Record<keyof typeof en, string> = {
  "login.title": "Willkommen bei cowdesk",
  "login.subtitle": "Rechnungen, Verträge, Domains und Postfächer aller mit Ihnen geteilten Konten — auf Ihrem Desktop, auch offline.",
  "login.demo": "Demo ausprobieren",
  "login.demoHint": "Beispieldaten aus einer eingebauten Sandbox. Kein Konto nötig.",
  "login.damagedCacheTitle": "Der lokale Zwischenspeicher war beschädigt",
  "login.damagedCache": "cowdesk konnte ihn nicht lesen und hat einen neuen angelegt. Die beschädigte Datei liegt hier:",
  "login.damagedCacheNext": "Verbinden bzw. melden Sie sich erneut an; Ihre Daten auf den Servern sind davon nicht betroffen.",
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
  "login.previewBadgeTitle": "Angemeldet bei einem Server der Portal-Vorschau: {server}",
};
