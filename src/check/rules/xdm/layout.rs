//! `xdm.layout`: an XDM package is laid out and registered as IHE ITI-32 says — `IHE_XDM/`
//! with `SUBSET01/`… folders, a METADATA.XML in each registering every document with its
//! URI, size and hash, INDEX.HTM and README.TXT at the top — and it can be read whole. The
//! checks are the package reader's ([`crate::xdm::read_package`]): every deviation it reads
//! through is reported here, under its own code.

use super::super::Rule;
use crate::diag::Severity;

pub static RULE: Rule = Rule {
    id: "xdm.layout",
    severity: Severity::Warning,
    summary: [
        "Un paquet XDM suit l'organisation IHE ITI-32 et chaque document y est enregistré dans METADATA.XML",
        "An XDM package follows the IHE ITI-32 layout and registers each document in METADATA.XML",
    ],
    hint: [
        "produisez le paquet avec la structure IHE_XDM/SUBSET01/ (METADATA.XML et les \
         documents), INDEX.HTM et README.TXT à la racine du zip, chaque document enregistré \
         avec son URI, sa taille et son empreinte SHA-1",
        "build the package as IHE_XDM/SUBSET01/ (METADATA.XML and the documents), with \
         INDEX.HTM and README.TXT at the top of the zip, each document registered with its \
         URI, size and SHA-1 hash",
    ],
    claims: |code| code.starts_with("xdm.") && !(super::metadata::RULE.claims)(code),
    check: super::reported_from_findings,
};

/// What each package code means, in French.
const CODES: [(&str, &str); 51] = [
    ("xdm.association-dangling", "une association désigne un objet que METADATA.XML n'enregistre pas"),
    ("xdm.association-incomplete", "une association est incomplète"),
    ("xdm.backslash-paths", "les chemins du zip utilisent des barres obliques inverses"),
    ("xdm.code-missing", "une classification n'a pas de code"),
    ("xdm.code-repeated", "une classification est répétée"),
    ("xdm.coding-scheme-missing", "un code n'a pas de codingScheme"),
    ("xdm.cx-malformed", "un identifiant patient (CX) est mal formé"),
    ("xdm.document-missing", "un document enregistré est absent du dossier"),
    ("xdm.document-unlisted", "un fichier du dossier n'est pas enregistré dans METADATA.XML"),
    ("xdm.duplicate-path", "le zip contient deux fois le même chemin"),
    ("xdm.encrypted", "une entrée du zip est chiffrée"),
    ("xdm.entry-not-member", "une entrée n'est pas reliée au lot de soumission"),
    ("xdm.extra-root-folder", "le paquet est dans un dossier supplémentaire"),
    ("xdm.hash-invalid", "l'empreinte n'est pas un SHA-1"),
    ("xdm.hash-missing", "l'empreinte SHA-1 n'est pas donnée"),
    ("xdm.language-code", "le code de langue est répété ou mal formé"),
    ("xdm.matched-by-hash", "un document a été apparié à son entrée par son empreinte"),
    ("xdm.matched-by-position", "un document a été apparié à son entrée par élimination"),
    ("xdm.member-corrupt", "une entrée du zip est endommagée"),
    ("xdm.member-not-found", "un fichier du paquet est introuvable"),
    ("xdm.member-unreadable", "une entrée du zip est illisible"),
    ("xdm.metadata-missing", "un lot de soumission n'a pas de METADATA.XML"),
    ("xdm.metadata-no-declaration", "METADATA.XML n'a pas de déclaration XML"),
    ("xdm.metadata-no-list", "METADATA.XML n'a pas de RegistryObjectList"),
    ("xdm.metadata-outside-subset", "METADATA.XML n'est pas dans IHE_XDM/SUBSET01/"),
    ("xdm.metadata-root", "METADATA.XML n'est pas un SubmitObjectsRequest ebRIM"),
    ("xdm.mime-type-missing", "le mimeType n'est pas donné"),
    ("xdm.name-case", "un nom de fichier n'est pas en majuscules"),
    ("xdm.no-ihe-xdm-folder", "le lot de soumission n'est pas dans IHE_XDM/"),
    ("xdm.no-index", "le paquet n'a pas d'INDEX.HTM"),
    ("xdm.no-readme", "le paquet n'a pas de README.TXT"),
    ("xdm.no-submission-set", "METADATA.XML n'enregistre pas de lot de soumission"),
    ("xdm.not-a-zip", "ce n'est pas une archive zip lisible"),
    ("xdm.not-xdm", "ce zip n'est pas un paquet IHE XDM"),
    ("xdm.path-escapes", "un chemin du zip sort du paquet"),
    ("xdm.patient-id-missing", "le patientId n'est pas donné"),
    ("xdm.several-roots", "les lots de soumission sont dans des dossiers différents"),
    ("xdm.several-submission-sets", "METADATA.XML enregistre plusieurs lots de soumission"),
    ("xdm.size-invalid", "la taille n'est pas un nombre d'octets"),
    ("xdm.size-missing", "la taille n'est pas donnée"),
    ("xdm.submission-set-unmarked", "le RegistryPackage n'est pas classé lot de soumission"),
    ("xdm.subset-name", "le dossier du lot de soumission n'est pas nommé SUBSET01, SUBSET02…"),
    ("xdm.time-invalid", "une date de METADATA.XML est mal formée"),
    ("xdm.unique-id-missing", "le uniqueId n'est pas donné"),
    ("xdm.unknown-classification-scheme", "un classificationScheme est inconnu"),
    ("xdm.unknown-identification-scheme", "un identificationScheme est inconnu"),
    ("xdm.uri-includes-folder", "l'URI contient le dossier"),
    ("xdm.uri-missing", "l'URI n'est pas donné"),
    ("xdm.uri-repeated", "deux entrées donnent le même URI"),
    ("xdm.uri-wrong", "l'URI ne désigne aucun fichier du paquet"),
    ("xdm.zip-damaged", "le répertoire central du zip est endommagé"),
];

pub(super) fn french(code: &str) -> &'static str {
    CODES.iter().find(|(c, _)| *c == code).map_or("écart à l'organisation d'un paquet XDM", |(_, fr)| fr)
}
