//! The words of the connect page, in English and German.

/// Every sentence the connect page shows that does not come from a connector.
#[derive(Debug)]
pub struct Texts {
    /// `lang` attribute.
    pub lang: &'static str,
    /// Browser title.
    pub title: &'static str,
    /// Heading above the tool list.
    pub choose_tool: &'static str,
    /// Lead text under the heading.
    pub intro: &'static str,
    /// Lead text of a relink.
    pub relink_intro: &'static str,
    /// "Connect" button on a tool card.
    pub choose: &'static str,
    /// Heading of the prerequisites.
    pub prerequisites: &'static str,
    /// Heading of the credential form.
    pub credentials: &'static str,
    /// Marks required fields.
    pub required: &'static str,
    /// Marks optional fields.
    pub optional: &'static str,
    /// Submit button.
    pub connect: &'static str,
    /// Back link to the tool list.
    pub other_tool: &'static str,
    /// Note under the submit button.
    pub secrets_note: &'static str,
    /// Heading of the error box.
    pub error_heading: &'static str,
    /// A required field was left empty.
    pub missing_field: &'static str,
    /// The provider refused the credentials.
    pub wrong_credentials: &'static str,
    /// The host could not be reached.
    pub unreachable: &'static str,
    /// The credentials lack permissions.
    pub missing_permissions: &'static str,
    /// The configuration was refused before contacting the provider.
    pub invalid_config: &'static str,
    /// Anything else.
    pub unexpected: &'static str,
    /// Success heading.
    pub success_heading: &'static str,
    /// Success text.
    pub success_text: &'static str,
    /// Success text of a relink.
    pub relinked_text: &'static str,
    /// Link used already.
    pub used: &'static str,
    /// Link expired.
    pub expired: &'static str,
    /// Link unknown.
    pub unknown: &'static str,
    /// Hint under the link errors.
    pub ask_for_new_link: &'static str,
    /// Footer.
    pub footer: &'static str,
    /// Heading of the connection guide.
    pub guide: &'static str,
}

/// English.
pub const EN: Texts = Texts {
    lang: "en",
    title: "Connect your applicant tracking system",
    choose_tool: "Choose your applicant tracking system",
    intro: "Connect your account so that your data can be synced. It takes about two minutes.",
    relink_intro: "Enter new credentials for your existing connection. Your data stays as it is.",
    choose: "Connect",
    prerequisites: "Before you start",
    credentials: "Your credentials",
    required: "required",
    optional: "optional",
    connect: "Connect account",
    other_tool: "Choose another system",
    secrets_note: "Secrets are sent over an encrypted connection and stored encrypted. \
                   Nobody can read them back.",
    error_heading: "The connection did not work",
    missing_field: "Please fill in this field.",
    wrong_credentials: "The system did not accept these credentials. Check what you entered, \
                        above all the secret values, then try again.",
    unreachable: "The host could not be reached. Check the host name and that the API is \
                  reachable from the internet.",
    missing_permissions: "The credentials work, but they lack permissions for:",
    invalid_config: "A value is not valid:",
    unexpected: "Something went wrong on our side. Please try again in a few minutes.",
    success_heading: "Your account is connected",
    success_text: "The first sync has started. You can close this window now.",
    relinked_text: "The new credentials are saved. You can close this window now.",
    used: "This link has been used already.",
    expired: "This link has expired.",
    unknown: "This link is not valid.",
    ask_for_new_link: "Ask the person who sent it to you for a new link.",
    footer: "Connection provided by atsbridge",
    guide: "Connection guide",
};

/// German.
pub const DE: Texts = Texts {
    lang: "de",
    title: "Bewerbermanagementsystem verbinden",
    choose_tool: "Wählen Sie Ihr Bewerbermanagementsystem",
    intro: "Verbinden Sie Ihr Konto, damit Ihre Daten synchronisiert werden können. \
            Das dauert etwa zwei Minuten.",
    relink_intro: "Geben Sie neue Zugangsdaten für Ihre bestehende Verbindung ein. \
                   Ihre Daten bleiben erhalten.",
    choose: "Verbinden",
    prerequisites: "Bevor Sie beginnen",
    credentials: "Ihre Zugangsdaten",
    required: "Pflichtfeld",
    optional: "optional",
    connect: "Konto verbinden",
    other_tool: "Anderes System wählen",
    secrets_note: "Geheime Werte werden verschlüsselt übertragen und verschlüsselt \
                   gespeichert. Niemand kann sie wieder auslesen.",
    error_heading: "Die Verbindung hat nicht funktioniert",
    missing_field: "Bitte füllen Sie dieses Feld aus.",
    wrong_credentials: "Das System hat diese Zugangsdaten nicht akzeptiert. Prüfen Sie Ihre \
                        Eingaben, vor allem die geheimen Werte, und versuchen Sie es erneut.",
    unreachable: "Der Host ist nicht erreichbar. Prüfen Sie den Hostnamen und ob die API \
                  aus dem Internet erreichbar ist.",
    missing_permissions: "Die Zugangsdaten funktionieren, aber es fehlen Berechtigungen für:",
    invalid_config: "Ein Wert ist ungültig:",
    unexpected: "Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es in einigen \
                 Minuten erneut.",
    success_heading: "Ihr Konto ist verbunden",
    success_text: "Die erste Synchronisierung läuft. Sie können dieses Fenster jetzt schließen.",
    relinked_text: "Die neuen Zugangsdaten sind gespeichert. Sie können dieses Fenster jetzt \
                    schließen.",
    used: "Dieser Link wurde bereits verwendet.",
    expired: "Dieser Link ist abgelaufen.",
    unknown: "Dieser Link ist ungültig.",
    ask_for_new_link: "Bitten Sie die Person, die ihn Ihnen geschickt hat, um einen neuen Link.",
    footer: "Verbindung bereitgestellt von atsbridge",
    guide: "Verbindungsanleitung",
};

/// The texts of a link's language; languages without a translation get English.
pub fn for_language(language: &str) -> &'static Texts {
    match language {
        "de" => &DE,
        _ => &EN,
    }
}
