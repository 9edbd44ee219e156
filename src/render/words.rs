//! Every word the page writes of its own, in French and in English: one table, so that the
//! two languages are complete by construction (a missing text is a compile error) and can
//! be reviewed side by side.
//!
//! Texts are plain text; the page's texts contain no markup character (`<`, `>`, `&`, `"`),
//! so the renderer writes the fixed ones as they are and escapes a text built with a value
//! from the document. The `what_*` texts are the security report's `what`, plain text in the
//! JSON. What the document says — titles, narrative, codes' labels — is never translated.

use crate::summary::Lang;

/// The page's words in one language.
pub(crate) struct Words {
    /// The page's `lang` attribute.
    pub(crate) lang: &'static str,
    pub(crate) colon: &'static str,

    // -- the page
    pub(crate) untitled_page: &'static str,
    pub(crate) no_cda: &'static str,
    pub(crate) incomplete: &'static str,
    pub(crate) contents: &'static str,
    pub(crate) untitled: &'static str,
    pub(crate) no_body: &'static str,
    pub(crate) rendered_by: &'static str,
    pub(crate) neutralised_count: fn(usize) -> String,
    pub(crate) footnote: fn(usize) -> String,
    pub(crate) back_to_text: &'static str,
    pub(crate) attachments: &'static str,
    pub(crate) kind_body: &'static str,
    pub(crate) kind_media: &'static str,
    pub(crate) kind_pdf_copy: &'static str,
    pub(crate) unknown_type: &'static str,
    /// Bytes, kilobytes, megabytes.
    pub(crate) size_units: [&'static str; 3],

    // -- the header card
    pub(crate) untyped_document: &'static str,
    pub(crate) date: &'static str,
    pub(crate) confidentiality: &'static str,
    pub(crate) patient: &'static str,
    pub(crate) author: &'static str,
    pub(crate) signed_by: &'static str,
    pub(crate) custodian: &'static str,
    pub(crate) encounter: &'static str,
    /// Before a time: "le 01/02/2024".
    pub(crate) on: &'static str,
    pub(crate) male: &'static str,
    pub(crate) female: &'static str,
    pub(crate) undetermined: &'static str,
    pub(crate) born: &'static str,
    pub(crate) key_ok: &'static str,
    pub(crate) key_bad: &'static str,
    pub(crate) missing_ins_traits: &'static str,

    // -- the narrative block
    pub(crate) link_removed: fn(&str) -> String,
    pub(crate) what_unknown_element: fn(&str) -> String,
    pub(crate) what_foreign_element: fn(&str) -> String,
    pub(crate) what_local_link: fn(&str) -> String,
    pub(crate) what_unsafe_link: fn(&str, &str) -> String,

    // -- embedded content and references
    pub(crate) referenced_file: fn(&str) -> String,
    pub(crate) internal_reference: fn(&str) -> String,
    pub(crate) external_reference: &'static str,
    pub(crate) what_external_reference: fn(&str) -> String,
    pub(crate) what_unsafe_reference: fn(&str, &str) -> String,
    pub(crate) statement_not_shown: fn(&str, &str) -> String,
    pub(crate) object_not_found: fn(&str) -> String,
    pub(crate) what_object_not_found: fn(&str) -> String,
    pub(crate) see_attachment: fn(&str, &str, usize) -> String,
    pub(crate) what_active_media: fn(&str) -> String,
    pub(crate) what_not_an_image: fn(&str) -> String,
    pub(crate) unreadable_image: fn(&str) -> String,
    pub(crate) image_not_shown: fn(&str, &str) -> String,
    /// Why an attachment was not decoded: larger than the limit (a size).
    pub(crate) over_size_limit: fn(&str) -> String,
    pub(crate) what_image_over_size: fn(&str, &str) -> String,
    pub(crate) page_of: fn(usize, &str) -> String,
    pub(crate) what_tiff_dimensions: fn(usize, u32, u32, u64, u32, u64) -> String,
    pub(crate) tiff_too_large: fn(usize, u32, u32) -> String,
    pub(crate) what_tiff_memory: fn(usize, &str, &str) -> String,
    pub(crate) tiff_memory: fn(usize) -> String,
    pub(crate) what_tiff_pages: fn(&str, usize) -> String,
    pub(crate) tiff_pages: fn(usize, &str) -> String,
    pub(crate) what_tiff_unreadable: fn(usize, &str) -> String,
    pub(crate) tiff_unreadable: fn(usize) -> String,
    pub(crate) what_tiff_unsupported: fn(usize, &str) -> String,
    pub(crate) tiff_unsupported: fn(usize) -> String,

    // -- the nonXMLBody
    pub(crate) body: fn(&str) -> String,
    pub(crate) text_not_shown: fn(&str) -> String,
    pub(crate) what_text_over_size: fn(&str, &str) -> String,
    pub(crate) pdf_body: fn(&str, usize) -> String,
    pub(crate) what_active_body: fn(&str) -> String,
    pub(crate) body_not_shown: fn(&str, &str) -> String,
    pub(crate) may_hold_script: &'static str,
    pub(crate) what_not_rtf: fn(&str) -> String,
    pub(crate) not_rtf: fn(&str) -> String,
    pub(crate) rtf_picture: &'static str,
    pub(crate) what_rtf_pictures: fn(usize) -> String,
    pub(crate) what_rtf_depth: fn(usize) -> String,
    pub(crate) what_rtf_chars: fn(usize) -> String,
}

impl Words {
    pub(crate) fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

fn s(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

static FR: Words = Words {
    lang: "fr",
    colon: " : ",

    untitled_page: "Document CDA",
    no_cda: "Ce fichier ne contient pas de document CDA lisible.",
    incomplete: "Document incomplet : seule la partie lisible est affichée.",
    contents: "Sommaire",
    untitled: "(sans titre)",
    no_body: "Corps du document absent.",
    rendered_by: "Rendu par Vigie",
    neutralised_count: |n| format!("{n} élément{} neutralisé{} (voir le rapport de sécurité)", s(n), s(n)),
    footnote: |n| format!("note {n}"),
    back_to_text: "retour au texte",
    attachments: "Pièces jointes",
    kind_body: "corps du document",
    kind_media: "multimédia (observationMedia)",
    kind_pdf_copy: "copie PDF",
    unknown_type: "type inconnu",
    size_units: ["o", "Ko", "Mo"],

    untyped_document: "Document (type non précisé)",
    date: "Date",
    confidentiality: "Confidentialité",
    patient: "Patient",
    author: "Auteur",
    signed_by: "Validé par",
    custodian: "Conservé par",
    encounter: "Prise en charge",
    on: "le",
    male: "masculin",
    female: "féminin",
    undetermined: "indéterminé",
    born: "né·e le",
    key_ok: "✓ clé valide",
    key_bad: "✗ clé invalide",
    missing_ins_traits: "⚠ traits INS manquants : ",

    link_removed: |scheme| format!("⟨lien « {scheme} » supprimé⟩"),
    what_unknown_element: |name| format!("élément <{name}> inconnu du bloc narratif"),
    what_foreign_element: |name| format!("élément <{name}> d'un autre espace de noms"),
    what_local_link: |path| format!("linkHtml href=\"{path}\" (fichier local)"),
    what_unsafe_link: |href, scheme| format!("linkHtml href=\"{href}\" (schéma {scheme}:)"),

    referenced_file: |path| format!("fichier référencé ⟨{path}⟩ (non chargé)"),
    internal_reference: |reference| format!("référence interne ⟨{reference}⟩"),
    external_reference: "référence externe (non chargée, voir le rapport de sécurité)",
    what_external_reference: |url| format!("référence externe \"{url}\""),
    what_unsafe_reference: |reference, scheme| format!("référence \"{reference}\" (schéma {scheme}:)"),
    statement_not_shown: |kind, id| format!("[{kind} « {id} » : non affiché]"),
    object_not_found: |id| format!("[objet « {id} » introuvable]"),
    what_object_not_found: |id| format!("renderMultiMedia referencedObject=\"{id}\" introuvable"),
    see_attachment: |media_type, size, n| {
        format!("[pièce jointe {media_type}, ~{size} : voir la pièce jointe n° {n}]")
    },
    what_active_media: |media_type| format!("observationMedia {media_type} (contenu actif possible)"),
    what_not_an_image: |media_type| {
        format!("observationMedia {media_type} dont le contenu n'est pas une image PNG, JPEG, GIF ou TIFF")
    },
    unreadable_image: |media_type| format!("[image {media_type} illisible]"),
    image_not_shown: |media_type, why| format!("[image {media_type} non affichée : {why}]"),
    over_size_limit: |size| format!("plus de {size} une fois décodée"),
    what_image_over_size: |media_type, size| format!("image {media_type} de plus de {size} une fois décodée"),
    page_of: |n, count| format!("page {n} / {count}"),
    what_tiff_dimensions: |page, width, height, mpx, side, max_mpx| {
        format!(
            "image TIFF, page {page} de {width} × {height} pixels ({mpx} Mpx) : au-delà de la limite \
             ({side} pixels de côté, {max_mpx} Mpx)"
        )
    },
    tiff_too_large: |page, width, height| {
        format!("[image TIFF, page {page} de {width} × {height} pixels : trop grande, non affichée]")
    },
    what_tiff_memory: |page, needed, limit| {
        format!("image TIFF, page {page} : {needed} à décoder, au-delà de la limite de {limit} pour l'image")
    },
    tiff_memory: |page| format!("[image TIFF, page {page} et suivantes : trop grandes, non affichées]"),
    what_tiff_pages: |count, max| {
        format!("image TIFF de {count} pages : au-delà de la limite de {max} pages affichées")
    },
    tiff_pages: |from, count| format!("[image TIFF : pages {from} à {count} non affichées]"),
    what_tiff_unreadable: |page, reason| format!("image TIFF illisible, page {page} : {reason}"),
    tiff_unreadable: |page| format!("[image TIFF illisible, page {page}]"),
    what_tiff_unsupported: |page, what| {
        format!("image TIFF, page {page} : format non pris en charge ({what})")
    },
    tiff_unsupported: |page| format!("[image TIFF, page {page} : format non pris en charge]"),

    body: |media_type| format!("Corps {media_type}"),
    text_not_shown: |why| format!("[texte non affiché : {why}]"),
    what_text_over_size: |media_type, size| format!("corps {media_type} de plus de {size} une fois décodé"),
    pdf_body: |size, n| {
        format!(
            "Document PDF (~{size}) : il s'affiche dans la visionneuse PDF de l'application (pièce jointe \
             n° {n})."
        )
    },
    what_active_body: |media_type| format!("nonXMLBody {media_type} (contenu actif possible)"),
    body_not_shown: |media_type, size| format!("Corps {media_type} (~{size}) non affiché"),
    may_hold_script: " : ce type peut contenir du script",
    what_not_rtf: |media_type| format!("nonXMLBody {media_type} dont le contenu n'est pas du RTF"),
    not_rtf: |media_type| format!("Corps {media_type} illisible : son contenu n'est pas du RTF."),
    rtf_picture: "[image du document RTF non affichée]",
    what_rtf_pictures: |n| format!("corps RTF : {n} image{} non affichée{}", s(n), s(n)),
    what_rtf_depth: |max| format!("corps RTF : groupes imbriqués au-delà de {max} niveaux"),
    what_rtf_chars: |max| format!("corps RTF : texte au-delà de {max} caractères"),
};

static EN: Words = Words {
    lang: "en",
    colon: ": ",

    untitled_page: "CDA document",
    no_cda: "This file holds no readable CDA document.",
    incomplete: "Incomplete document: only the readable part is shown.",
    contents: "Contents",
    untitled: "(untitled)",
    no_body: "The document has no body.",
    rendered_by: "Rendered by Vigie",
    neutralised_count: |n| format!("{n} item{} neutralised (see the security report)", s(n)),
    footnote: |n| format!("footnote {n}"),
    back_to_text: "back to the text",
    attachments: "Attachments",
    kind_body: "document body",
    kind_media: "multimedia (observationMedia)",
    kind_pdf_copy: "PDF copy",
    unknown_type: "unknown type",
    size_units: ["B", "KB", "MB"],

    untyped_document: "Document (type not given)",
    date: "Date",
    confidentiality: "Confidentiality",
    patient: "Patient",
    author: "Author",
    signed_by: "Signed by",
    custodian: "Custodian",
    encounter: "Encounter",
    on: "on",
    male: "male",
    female: "female",
    undetermined: "undetermined",
    born: "born",
    key_ok: "✓ valid key",
    key_bad: "✗ invalid key",
    missing_ins_traits: "⚠ missing INS traits: ",

    link_removed: |scheme| format!("⟨“{scheme}” link removed⟩"),
    what_unknown_element: |name| format!("element <{name}> unknown to the narrative block"),
    what_foreign_element: |name| format!("element <{name}> of another namespace"),
    what_local_link: |path| format!("linkHtml href=\"{path}\" (local file)"),
    what_unsafe_link: |href, scheme| format!("linkHtml href=\"{href}\" ({scheme}: scheme)"),

    referenced_file: |path| format!("referenced file ⟨{path}⟩ (not loaded)"),
    internal_reference: |reference| format!("internal reference ⟨{reference}⟩"),
    external_reference: "external reference (not loaded, see the security report)",
    what_external_reference: |url| format!("external reference \"{url}\""),
    what_unsafe_reference: |reference, scheme| format!("reference \"{reference}\" ({scheme}: scheme)"),
    statement_not_shown: |kind, id| format!("[{kind} “{id}”: not shown]"),
    object_not_found: |id| format!("[object “{id}” not found]"),
    what_object_not_found: |id| format!("renderMultiMedia referencedObject=\"{id}\" not found"),
    see_attachment: |media_type, size, n| {
        format!("[attachment {media_type}, ~{size}: see attachment no. {n}]")
    },
    what_active_media: |media_type| format!("observationMedia {media_type} (possibly active content)"),
    what_not_an_image: |media_type| {
        format!("observationMedia {media_type} whose content is not a PNG, JPEG, GIF or TIFF image")
    },
    unreadable_image: |media_type| format!("[unreadable image {media_type}]"),
    image_not_shown: |media_type, why| format!("[image {media_type} not shown: {why}]"),
    over_size_limit: |size| format!("larger than {size} once decoded"),
    what_image_over_size: |media_type, size| format!("image {media_type} larger than {size} once decoded"),
    page_of: |n, count| format!("page {n} / {count}"),
    what_tiff_dimensions: |page, width, height, mpx, side, max_mpx| {
        format!(
            "TIFF image, page {page} of {width} × {height} pixels ({mpx} Mpx): over the limit ({side} \
             pixels a side, {max_mpx} Mpx)"
        )
    },
    tiff_too_large: |page, width, height| {
        format!("[TIFF image, page {page} of {width} × {height} pixels: too large, not shown]")
    },
    what_tiff_memory: |page, needed, limit| {
        format!("TIFF image, page {page}: {needed} to decode, over the limit of {limit} for the image")
    },
    tiff_memory: |page| format!("[TIFF image, page {page} and after: too large, not shown]"),
    what_tiff_pages: |count, max| format!("TIFF image of {count} pages: over the limit of {max} pages shown"),
    tiff_pages: |from, count| format!("[TIFF image: pages {from} to {count} not shown]"),
    what_tiff_unreadable: |page, reason| format!("unreadable TIFF image, page {page}: {reason}"),
    tiff_unreadable: |page| format!("[unreadable TIFF image, page {page}]"),
    what_tiff_unsupported: |page, what| format!("TIFF image, page {page}: unsupported format ({what})"),
    tiff_unsupported: |page| format!("[TIFF image, page {page}: unsupported format]"),

    body: |media_type| format!("Body {media_type}"),
    text_not_shown: |why| format!("[text not shown: {why}]"),
    what_text_over_size: |media_type, size| format!("body {media_type} larger than {size} once decoded"),
    pdf_body: |size, n| {
        format!("PDF document (~{size}): it is shown in the app's PDF viewer (attachment no. {n}).")
    },
    what_active_body: |media_type| format!("nonXMLBody {media_type} (possibly active content)"),
    body_not_shown: |media_type, size| format!("Body {media_type} (~{size}) not shown"),
    may_hold_script: ": this type can hold script",
    what_not_rtf: |media_type| format!("nonXMLBody {media_type} whose content is not RTF"),
    not_rtf: |media_type| format!("Unreadable body {media_type}: its content is not RTF."),
    rtf_picture: "[picture of the RTF document not shown]",
    what_rtf_pictures: |n| format!("RTF body: {n} picture{} not shown", s(n)),
    what_rtf_depth: |max| format!("RTF body: groups nested deeper than {max} levels"),
    what_rtf_chars: |max| format!("RTF body: text over {max} characters"),
};
