//! Opening a link of a document outside the app: a web page in the system's browser, a
//! `mailto:` in its mail client.
//!
//! The rendered document shows its `linkHtml` targets but cannot follow them (its frame is
//! sandboxed: no scripts, no popups, no navigation). The page asks the person first — a dialog
//! showing the whole URL — and only then invokes [`open_external`]. This command trusts
//! nothing of that: the URL is checked again here ([`checked_url`]), as if a script injected
//! into the page had sent it.
//!
//! Why the `open` crate and not `tauri-plugin-opener`: the plugin brings IPC commands of its
//! own (open a URL, open a path, reveal a file) governed by scopes in the capability — a wider
//! surface to configure and get wrong. Here the page gets one command, taking one string, that
//! opens only what [`checked_url`] lets through; the plugin's own backend is this same crate.
//! `open` hands the URL to the platform's launcher as one argument (`xdg-open`, `open`,
//! `ShellExecuteW` with the `shellexecute-on-windows` feature): never a shell command line.

use url::Url;

/// The longest URL opened, in bytes (as written by the page, and once normalised).
pub const MAX_URL_LENGTH: usize = 2048;

/// The fields a `mailto:` may carry (RFC 6068 names any header; some mail clients honour
/// `attach=` and would send a local file along).
const MAILTO_FIELDS: &[&str] = &["to", "cc", "bcc", "subject", "body"];

/// `given` parsed as a browser would and checked: `http:` or `https:` with a host, or
/// `mailto:` with only [`MAILTO_FIELDS`]; no user name or password (a link reading
/// `https://www.ameli.fr@example.org/` leads to example.org); no control character or
/// whitespace once normalised; at most [`MAX_URL_LENGTH`] bytes before and after. Relative
/// URLs, `javascript:`, `file:`, `data:` and every other scheme are refused.
pub fn checked_url(given: &str) -> Result<Url, String> {
    if given.len() > MAX_URL_LENGTH {
        return Err(format!(
            "this link is {} characters long, more than the {MAX_URL_LENGTH} Vigie opens",
            given.len()
        ));
    }
    let url = Url::parse(given).map_err(|error| format!("this link is not a full URL ({error})"))?;
    match url.scheme() {
        "http" | "https" => {
            if url.host_str().is_none_or(str::is_empty) {
                return Err("this web link names no site".into());
            }
        }
        "mailto" => {
            if let Some((field, _)) = url
                .query_pairs()
                .find(|(field, _)| !MAILTO_FIELDS.iter().any(|allowed| field.eq_ignore_ascii_case(allowed)))
            {
                return Err(format!(
                    "this mail link asks for the field “{field}”: Vigie opens mail links with only to, cc, bcc, subject and body"
                ));
            }
        }
        other => {
            return Err(format!("Vigie opens only web (http, https) and mail (mailto) links, not {other}:"));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "this link carries a user name or password before its site: Vigie does not open it".into()
        );
    }
    let normalised = url.as_str();
    if normalised.len() > MAX_URL_LENGTH {
        return Err(format!("this link is longer than the {MAX_URL_LENGTH} characters Vigie opens"));
    }
    if normalised.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("this link contains spaces or control characters: Vigie does not open it".into());
    }
    Ok(url)
}

/// Opens a web or mail link of a document in the system's browser or mail client, once the
/// person confirmed it in the app's dialog. The URL is checked again ([`checked_url`]); what
/// is opened is its normalised form (the site's name in punycode, as the dialog showed it).
#[tauri::command(async)]
pub fn open_external(url: String) -> Result<(), String> {
    let url = checked_url(&url)?;
    open::that_detached(url.as_str())
        .map_err(|error| format!("the link could not be opened ({error}): copy it into your browser"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str) -> String {
        checked_url(url).expect_err(url)
    }

    #[test]
    fn web_and_mail_links_are_opened_normalised() {
        assert_eq!(checked_url("https://esante.gouv.fr/").unwrap().as_str(), "https://esante.gouv.fr/");
        assert_eq!(
            checked_url("HTTP://Example.ORG/a b?q=1#x").unwrap().as_str(),
            "http://example.org/a%20b?q=1#x"
        );
        assert_eq!(checked_url("https://bücher.example/").unwrap().host_str(), Some("xn--bcher-kva.example"));
        assert!(checked_url("mailto:secretariat@hopital.example?subject=Compte%20rendu&body=Bonjour").is_ok());
        assert!(checked_url("mailto:a@b.example?CC=c@d.example").is_ok());
    }

    #[test]
    fn other_schemes_are_refused() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "ftp://example.org/",
            "smb://server/share",
            "tel:+33100000000",
        ] {
            assert!(refused(url).contains("only web"), "{url}: {}", refused(url));
        }
    }

    #[test]
    fn relative_and_malformed_links_are_refused() {
        for url in ["page.html", "/etc/passwd", "//example.org/", "#section", "", "http://", "https://:443/"]
        {
            let message = refused(url);
            assert!(message.contains("not a full URL") || message.contains("no site"), "{url}: {message}");
        }
    }

    #[test]
    fn credentials_before_the_site_are_refused() {
        assert!(refused("https://www.ameli.fr@example.org/").contains("user name or password"));
        assert!(refused("https://user:secret@example.org/").contains("user name or password"));
    }

    #[test]
    fn mail_links_asking_for_an_attachment_are_refused() {
        assert!(refused("mailto:a@b.example?attach=/home/me/.ssh/id_rsa").contains("attach"));
        assert!(refused("mailto:a@b.example?subject=x&Attachment=file:///etc/passwd").contains("Attachment"));
    }

    #[test]
    fn overlong_links_are_refused() {
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL_LENGTH));
        assert!(refused(&long).contains("more than the 2048"));
        // Within the cap as written, beyond it once each space is percent-encoded.
        let spaces = format!("https://example.org/{}", " x".repeat(900));
        assert!(spaces.len() <= MAX_URL_LENGTH);
        assert!(refused(&spaces).contains("longer than"));
    }

    #[test]
    fn whitespace_and_controls_left_in_a_mail_link_are_refused() {
        assert!(refused("mailto:a b@example.org").contains("spaces"));
    }
}
