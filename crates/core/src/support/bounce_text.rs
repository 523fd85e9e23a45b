//! What each reason means and what to do about it, in English and German, per the FAQ
//! ("Email isn't arriving or is being rejected", "Am I allowed to send newsletters").

use cowdesk_model::{BounceNextStep, BounceReason};

/// The explanation of one bounce.
pub(super) struct Explained {
    pub en: String,
    pub de: String,
    pub next_step: BounceNextStep,
    pub target: Option<String>,
}

/// What is known besides the reason.
pub(super) struct Facts<'a> {
    pub permanent: bool,
    pub recipient: Option<&'a str>,
    /// The sender's domain (for the DNS doctor).
    pub sender_domain: Option<&'a str>,
    /// The recipient is a mailbox of one of the account's own domains.
    pub recipient_is_ours: bool,
    /// The bounce came from the shared platform (the 25-recipient limit).
    pub from_shared_platform: bool,
}

pub(super) fn explain(reason: BounceReason, facts: &Facts<'_>) -> Explained {
    let who = facts.recipient.unwrap_or("the recipient");
    let wer = facts.recipient.unwrap_or("den Empfänger");
    let (what_en, what_de, step, target): (String, String, BounceNextStep, Option<String>) =
        match reason {
            BounceReason::UnknownRecipient => (
                format!("The address {who} does not exist at the recipient's mail server. Check it for typing errors, or ask the recipient for the right address."),
                format!("Die Adresse {wer} gibt es beim Mailserver des Empfängers nicht. Prüfen Sie sie auf Tippfehler oder fragen Sie den Empfänger nach der richtigen Adresse."),
                BounceNextStep::CheckAddress,
                None,
            ),
            BounceReason::UnknownDomain => (
                "The recipient's domain does not exist or has no mail server (no MX record). Check the part after the @ for typing errors.".into(),
                "Die Domain des Empfängers existiert nicht oder hat keinen Mailserver (keinen MX-Eintrag). Prüfen Sie den Teil nach dem @ auf Tippfehler.".into(),
                BounceNextStep::CheckAddress,
                None,
            ),
            BounceReason::MailboxFull if facts.recipient_is_ours => (
                format!("The mailbox {who} is full: it is one of your own mailboxes. Open its usage in the mail doctor, empty the trash and junk folders or raise its quota."),
                format!("Das Postfach {wer} ist voll: Es ist eines Ihrer eigenen Postfächer. Öffnen Sie seine Belegung im Mail-Doktor, leeren Sie Papierkorb und Spam-Ordner oder erhöhen Sie die Quota."),
                BounceNextStep::MailboxUsage,
                facts.recipient.map(str::to_owned),
            ),
            BounceReason::MailboxFull => (
                format!("The mailbox {who} is full (over its quota). The recipient has to make room; tell them another way, then send again."),
                format!("Das Postfach {wer} ist voll (Quota überschritten). Der Empfänger muss Platz schaffen; sagen Sie es ihm auf anderem Weg und senden Sie dann erneut."),
                BounceNextStep::ContactRecipient,
                None,
            ),
            BounceReason::Authentication => (
                "The recipient's server refused the mail because the sender's domain failed SPF, DKIM or DMARC. Run the mail DNS doctor on the sender's domain and fix what it finds.".into(),
                "Der Server des Empfängers hat die Mail abgelehnt, weil die Domain des Absenders SPF, DKIM oder DMARC nicht bestanden hat. Lassen Sie den Mail-DNS-Doktor die Domain des Absenders prüfen und beheben Sie, was er findet.".into(),
                BounceNextStep::DnsDoctor,
                facts.sender_domain.map(str::to_owned),
            ),
            BounceReason::Blocklisted => (
                "The recipient's server refused the sending server: its IP address or domain is on a blocklist, has a poor reputation or lacks reverse DNS. Send support the complete bounce so they can check the sending server.".into(),
                "Der Server des Empfängers hat den sendenden Server abgelehnt: Seine IP-Adresse oder Domain steht auf einer Sperrliste, hat einen schlechten Ruf oder kein Reverse-DNS. Senden Sie dem Support die vollständige Unzustellbarkeitsnachricht, damit er den sendenden Server prüfen kann.".into(),
                BounceNextStep::AskSupport,
                None,
            ),
            BounceReason::Spam => (
                "The recipient's server took the mail for spam or harmful content. Change the content (links, attachments, wording) or reach the recipient another way; if it keeps happening, send support the complete bounce.".into(),
                "Der Server des Empfängers hat die Mail für Spam oder schädlichen Inhalt gehalten. Ändern Sie den Inhalt (Links, Anhänge, Formulierungen) oder erreichen Sie den Empfänger auf anderem Weg; passiert es weiter, senden Sie dem Support die vollständige Unzustellbarkeitsnachricht.".into(),
                BounceNextStep::ContactRecipient,
                None,
            ),
            BounceReason::Greylisting => (
                "The recipient's server uses greylisting: it turns a first delivery away for a few minutes. The sending server tries again by itself; just wait.".into(),
                "Der Server des Empfängers nutzt Greylisting: Er weist eine erste Zustellung für einige Minuten ab. Der sendende Server versucht es von selbst erneut; warten Sie einfach.".into(),
                BounceNextStep::Wait,
                None,
            ),
            BounceReason::RateLimited if facts.from_shared_platform => (
                "The shared mail platform sends one mail to at most 25 external recipients. Send it in smaller groups; more recipients are mass mailing, which needs an approval by support.".into(),
                "Die geteilte Mail-Plattform sendet eine Mail an höchstens 25 externe Empfänger. Senden Sie sie in kleineren Gruppen; mehr Empfänger sind ein Massenversand, der eine Freigabe durch den Support braucht.".into(),
                BounceNextStep::SplitRecipients,
                None,
            ),
            BounceReason::RateLimited => (
                "Too many recipients or too many mails at once: a server limited the sending rate. Send to fewer recipients per mail and wait a while; on the shared platform one mail may go to at most 25 external recipients, more needs a mass-mailing approval.".into(),
                "Zu viele Empfänger oder zu viele Mails auf einmal: Ein Server hat die Senderate begrenzt. Senden Sie an weniger Empfänger pro Mail und warten Sie eine Weile; auf der geteilten Plattform darf eine Mail an höchstens 25 externe Empfänger gehen, mehr braucht eine Freigabe für Massenversand.".into(),
                BounceNextStep::SplitRecipients,
                None,
            ),
            BounceReason::TooLarge => (
                "The mail is larger than the recipient's server accepts. Send smaller attachments, or share the file as a download link.".into(),
                "Die Mail ist größer, als der Server des Empfängers annimmt. Senden Sie kleinere Anhänge oder teilen Sie die Datei als Download-Link.".into(),
                BounceNextStep::SendSmaller,
                None,
            ),
            BounceReason::Expired => (
                "The sending server tried for a long time and gave up: the recipient's server could not be reached or kept deferring. Check the address, try again later, and ask support if it happens again.".into(),
                "Der sendende Server hat es lange versucht und aufgegeben: Der Server des Empfängers war nicht erreichbar oder hat immer wieder vertröstet. Prüfen Sie die Adresse, versuchen Sie es später erneut und fragen Sie den Support, wenn es wieder passiert.".into(),
                BounceNextStep::AskSupport,
                None,
            ),
            BounceReason::Policy => (
                "A rule or filter at the recipient refused the mail (the server's policy, not a missing address). Reach the recipient another way and ask them to allow your mail.".into(),
                "Eine Regel oder ein Filter beim Empfänger hat die Mail abgelehnt (die Richtlinie des Servers, keine fehlende Adresse). Erreichen Sie den Empfänger auf anderem Weg und bitten Sie ihn, Ihre Mails zuzulassen.".into(),
                BounceNextStep::ContactRecipient,
                None,
            ),
            BounceReason::Network => (
                "The sending server could not talk to the recipient's server (no connection, a timeout or a TLS problem). This is usually on the recipient's side and passes.".into(),
                "Der sendende Server konnte nicht mit dem Server des Empfängers sprechen (keine Verbindung, Zeitüberschreitung oder ein TLS-Problem). Das liegt meist beim Empfänger und geht vorüber.".into(),
                BounceNextStep::Wait,
                None,
            ),
            BounceReason::AutoReply => (
                "This is an automatic reply (for example an out-of-office note), not a failure: the mail arrived.".into(),
                "Das ist eine automatische Antwort (etwa eine Abwesenheitsnotiz), kein Fehler: Die Mail ist angekommen.".into(),
                BounceNextStep::Nothing,
                None,
            ),
            BounceReason::Other => (
                "The bounce does not say clearly why the mail was refused. Send support the complete bounce with its SMTP code.".into(),
                "Die Unzustellbarkeitsnachricht sagt nicht klar, warum die Mail abgelehnt wurde. Senden Sie dem Support die vollständige Nachricht mit ihrem SMTP-Code.".into(),
                BounceNextStep::AskSupport,
                None,
            ),
        };
    let (tail_en, tail_de) = match (reason, facts.permanent) {
        // Greylisting already says that the sending server retries by itself.
        (BounceReason::AutoReply, _) | (BounceReason::Greylisting, false) => ("", ""),
        (_, true) => (
            " The failure is permanent (5xx): the mail will not be delivered by retrying.",
            " Der Fehler ist dauerhaft (5xx): Die Mail wird auch durch erneute Versuche nicht zugestellt.",
        ),
        (_, false) => (
            " The failure is temporary (4xx): the sending server tries again by itself.",
            " Der Fehler ist vorübergehend (4xx): Der sendende Server versucht es von selbst erneut.",
        ),
    };
    let step = if !facts.permanent && matches!(step, BounceNextStep::AskSupport) {
        BounceNextStep::Wait
    } else {
        step
    };
    Explained {
        en: format!("{what_en}{tail_en}"),
        de: format!("{what_de}{tail_de}"),
        next_step: step,
        target,
    }
}
