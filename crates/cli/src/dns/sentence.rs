//! A finding in words, in English or German: the same sentences the window shows
//! (ui/src/lib/messages/en/dns.ts, de/dns.ts), from the finding's stable code and parameters.

use cowdesk_core::model::DnsFinding;

use crate::lang::Lang;

pub fn sentence(f: &DnsFinding, lang: Lang) -> String {
    match lang {
        Lang::En => english(f),
        Lang::De => german(f),
    }
}

fn param(f: &DnsFinding, key: &str) -> String {
    f.params.get(key).cloned().unwrap_or_default()
}

fn english(f: &DnsFinding) -> String {
    let p = |key: &str| param(f, key);
    match f.code.as_str() {
        "mx_ok" => "Mail for this domain goes to hosted.mailcow.de.".into(),
        "mx_missing" => "There is no MX record, so no mail can arrive. Publish an MX record pointing to hosted.mailcow.de.".into(),
        "mx_wrong" => format!("The MX record points to {} instead of hosted.mailcow.de, so mail goes elsewhere.", p("found")),
        "spf_ok" => format!("SPF is set up correctly ({} of {} DNS lookups used).", p("lookups"), p("max")),
        "spf_missing" => "There is no SPF record. Receivers cannot tell which servers may send for this domain.".into(),
        "spf_multiple" => format!("There are {} SPF records; only one is allowed, so receivers ignore them all. Replace them with the one merged record.", p("count")),
        "spf_invalid" => format!("The SPF record contains an invalid term: {}.", p("term")),
        "spf_no_mailcow" => "The SPF record does not include spf.mailcow.de, so mail sent through mailcow may be rejected.".into(),
        "spf_too_many_lookups" => format!("The SPF record needs {} DNS lookups; at most {} are allowed, so receivers treat it as an error. Remove includes you no longer use, or replace them with ip4:/ip6: entries.", p("count"), p("max")),
        "spf_too_many_void_lookups" => format!("{} lookups of the SPF record return nothing; at most {} are allowed. Remove the entries that point to names without records.", p("count"), p("max")),
        "spf_include_loop" => format!("The SPF record includes {} in a loop. Remove the include that leads back.", p("domain")),
        "spf_include_broken" => format!("The SPF record includes {}, which has no single valid SPF record.", p("domain")),
        "spf_bad_all" => {
            let found = p("found");
            if found.is_empty() {
                "The SPF record does not end in ~all or -all.".into()
            } else {
                format!("The SPF record ends in {found}; it should end in ~all or -all.")
            }
        }
        "dkim_ok" => format!("The DKIM key at {} is valid ({} bits).", p("name"), p("bits")),
        "dkim_missing" => format!("There is no DKIM key at {}. Copy the DKIM record from the mailcow admin (Configuration → ARC/DKIM keys) and publish it.", p("name")),
        "dkim_multiple" => format!("There are {} DKIM records at {}; keep only mailcow's.", p("count"), p("name")),
        "dkim_too_weak" => format!("The DKIM key at {} has only {} bits; receivers reject keys under 1024 bits. Create a 2048-bit key in mailcow.", p("name"), p("bits")),
        "dkim_weak" => format!("The DKIM key at {} has {} bits; 2048 bits are recommended. Create a 2048-bit key in mailcow.", p("name"), p("bits")),
        "dkim_revoked" => format!("The DKIM key at {} is empty (revoked).", p("name")),
        "dkim_invalid" => format!("The DKIM record at {} is not valid ({}).", p("name"), p("reason")),
        "dmarc_ok" => format!("DMARC is set up (policy {}).", p("policy")),
        "dmarc_missing" => "There is no DMARC record. SPF and DKIM pass, so you can now publish one, starting with p=none.".into(),
        "dmarc_wait" => "There is no DMARC record. Publish one only once SPF and DKIM pass.".into(),
        "dmarc_multiple" => format!("There are {} DMARC records; only one is allowed.", p("count")),
        "dmarc_invalid" => match f.params.get("tag") {
            Some(tag) => format!("The DMARC record is not valid ({}: {tag}).", p("reason")),
            None => format!("The DMARC record is not valid ({}).", p("reason")),
        },
        "dmarc_too_early" => format!("DMARC asks receivers to {} mail that fails, but {} does not pass yet, so your own mail may be lost. Use p=none until it does.", p("policy"), p("missing").replace('_', " and ").to_uppercase()),
        "dmarc_no_rua" => "The DMARC record asks for no reports (rua=); add an address to see who sends as you.".into(),
        "autoconfig_ok" => format!("{} points to hosted.mailcow.de.", p("name")),
        "autoconfig_missing" => format!("{} is missing; mail apps cannot set themselves up. Publish a CNAME to hosted.mailcow.de.", p("name")),
        "autoconfig_wrong" => format!("{} points to {} instead of hosted.mailcow.de.", p("name"), p("found")),
        "lookup_failed" => format!("{} could not be looked up ({}).", p("name"), p("reason")),
        other => other.to_owned(),
    }
}

fn german(f: &DnsFinding) -> String {
    let p = |key: &str| param(f, key);
    match f.code.as_str() {
        "mx_ok" => "E-Mails für diese Domain gehen an hosted.mailcow.de.".into(),
        "mx_missing" => "Es gibt keinen MX-Eintrag, daher kommt keine E-Mail an. Veröffentlichen Sie einen MX-Eintrag auf hosted.mailcow.de.".into(),
        "mx_wrong" => format!("Der MX-Eintrag zeigt auf {} statt auf hosted.mailcow.de, E-Mails gehen also woanders hin.", p("found")),
        "spf_ok" => format!("SPF ist korrekt eingerichtet ({} von {} DNS-Abfragen genutzt).", p("lookups"), p("max")),
        "spf_missing" => "Es gibt keinen SPF-Eintrag. Empfänger können nicht erkennen, welche Server für diese Domain senden dürfen.".into(),
        "spf_multiple" => format!("Es gibt {} SPF-Einträge; erlaubt ist nur einer, daher ignorieren Empfänger alle. Ersetzen Sie sie durch den einen zusammengeführten Eintrag.", p("count")),
        "spf_invalid" => format!("Der SPF-Eintrag enthält einen ungültigen Teil: {}.", p("term")),
        "spf_no_mailcow" => "Der SPF-Eintrag enthält spf.mailcow.de nicht, über mailcow gesendete E-Mails können daher abgelehnt werden.".into(),
        "spf_too_many_lookups" => format!("Der SPF-Eintrag braucht {} DNS-Abfragen; erlaubt sind höchstens {}, Empfänger werten ihn daher als Fehler. Entfernen Sie nicht mehr genutzte includes oder ersetzen Sie sie durch ip4:/ip6:-Angaben.", p("count"), p("max")),
        "spf_too_many_void_lookups" => format!("{} Abfragen des SPF-Eintrags liefern nichts; erlaubt sind höchstens {}. Entfernen Sie die Angaben, die auf Namen ohne Einträge zeigen.", p("count"), p("max")),
        "spf_include_loop" => format!("Der SPF-Eintrag bindet {} in einer Schleife ein. Entfernen Sie das include, das zurückführt.", p("domain")),
        "spf_include_broken" => format!("Der SPF-Eintrag bindet {} ein, das keinen einzelnen gültigen SPF-Eintrag hat.", p("domain")),
        "spf_bad_all" => {
            let found = p("found");
            if found.is_empty() {
                "Der SPF-Eintrag endet nicht auf ~all oder -all.".into()
            } else {
                format!("Der SPF-Eintrag endet auf {found}; er sollte auf ~all oder -all enden.")
            }
        }
        "dkim_ok" => format!("Der DKIM-Schlüssel unter {} ist gültig ({} Bit).", p("name"), p("bits")),
        "dkim_missing" => format!("Unter {} gibt es keinen DKIM-Schlüssel. Kopieren Sie den DKIM-Eintrag aus der mailcow-Administration (Konfiguration → ARC/DKIM-Schlüssel) und veröffentlichen Sie ihn.", p("name")),
        "dkim_multiple" => format!("Unter {} gibt es {} DKIM-Einträge; behalten Sie nur den von mailcow.", p("name"), p("count")),
        "dkim_too_weak" => format!("Der DKIM-Schlüssel unter {} hat nur {} Bit; Empfänger lehnen Schlüssel unter 1024 Bit ab. Erzeugen Sie in mailcow einen 2048-Bit-Schlüssel.", p("name"), p("bits")),
        "dkim_weak" => format!("Der DKIM-Schlüssel unter {} hat {} Bit; empfohlen sind 2048 Bit. Erzeugen Sie in mailcow einen 2048-Bit-Schlüssel.", p("name"), p("bits")),
        "dkim_revoked" => format!("Der DKIM-Schlüssel unter {} ist leer (widerrufen).", p("name")),
        "dkim_invalid" => format!("Der DKIM-Eintrag unter {} ist ungültig ({}).", p("name"), p("reason")),
        "dmarc_ok" => format!("DMARC ist eingerichtet (Richtlinie {}).", p("policy")),
        "dmarc_missing" => "Es gibt keinen DMARC-Eintrag. SPF und DKIM sind in Ordnung, Sie können jetzt einen veröffentlichen, zunächst mit p=none.".into(),
        "dmarc_wait" => "Es gibt keinen DMARC-Eintrag. Veröffentlichen Sie ihn erst, wenn SPF und DKIM in Ordnung sind.".into(),
        "dmarc_multiple" => format!("Es gibt {} DMARC-Einträge; erlaubt ist nur einer.", p("count")),
        "dmarc_invalid" => match f.params.get("tag") {
            Some(tag) => format!("Der DMARC-Eintrag ist ungültig ({}: {tag}).", p("reason")),
            None => format!("Der DMARC-Eintrag ist ungültig ({}).", p("reason")),
        },
        "dmarc_too_early" => format!("DMARC verlangt von Empfängern „{}“ für fehlschlagende E-Mails, aber {} ist noch nicht in Ordnung, Ihre eigenen E-Mails können also verloren gehen. Nutzen Sie p=none, bis es passt.", p("policy"), p("missing").replace('_', " und ").to_uppercase().replace(" UND ", " und ")),
        "dmarc_no_rua" => "Der DMARC-Eintrag fordert keine Berichte an (rua=); geben Sie eine Adresse an, um zu sehen, wer in Ihrem Namen sendet.".into(),
        "autoconfig_ok" => format!("{} zeigt auf hosted.mailcow.de.", p("name")),
        "autoconfig_missing" => format!("{} fehlt, Mail-Apps können sich daher nicht selbst einrichten. Veröffentlichen Sie einen CNAME auf hosted.mailcow.de.", p("name")),
        "autoconfig_wrong" => format!("{} zeigt auf {} statt auf hosted.mailcow.de.", p("name"), p("found")),
        "lookup_failed" => format!("{} konnte nicht abgefragt werden ({}).", p("name"), p("reason")),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cowdesk_core::model::{DnsCheck, DnsStatus};

    fn finding(code: &str, params: &[(&str, &str)]) -> DnsFinding {
        DnsFinding {
            check: DnsCheck::Dmarc,
            status: DnsStatus::Fail,
            code: code.to_owned(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            record: None,
        }
    }

    #[test]
    fn trust_dns_sentences_exist_in_both_languages() {
        let f = finding(
            "dmarc_too_early",
            &[("policy", "reject"), ("missing", "spf_dkim")],
        );
        assert_eq!(
            sentence(&f, Lang::En),
            "DMARC asks receivers to reject mail that fails, but SPF AND DKIM does not pass yet, so your own mail may be lost. Use p=none until it does."
        );
        assert_eq!(
            sentence(&f, Lang::De),
            "DMARC verlangt von Empfängern „reject“ für fehlschlagende E-Mails, aber SPF und DKIM ist noch nicht in Ordnung, Ihre eigenen E-Mails können also verloren gehen. Nutzen Sie p=none, bis es passt."
        );
        let f = finding("mx_wrong", &[("found", "mx.example")]);
        assert!(sentence(&f, Lang::De).starts_with("Der MX-Eintrag zeigt auf mx.example"));
        // An unknown code is shown as it is, in both.
        let f = finding("something_new", &[]);
        assert_eq!(sentence(&f, Lang::De), "something_new");
    }
}
