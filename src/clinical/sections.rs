//! Which sections hold clinical statements, and of what category: by the section's LOINC
//! code first, then by its templates (CI-SIS, IHE PCC, CCD, C-CDA), wherever the section
//! sits (VSM 1.4 nests them two levels down).

use crate::model::body::Section;
use crate::model::{Narrative, NarrativeNode};

use super::types::Category;

/// How a category's sections are recognised.
struct Rule {
    category: Category,
    /// LOINC section codes.
    codes: &'static [&'static str],
    /// Section templates: CI-SIS (1.2.250.1.213.1.1.2.*), IHE PCC, CCD, C-CDA.
    templates: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        category: Category::Allergies,
        codes: &["48765-2"],
        templates: &[
            "1.2.250.1.213.1.1.2.137",
            "1.3.6.1.4.1.19376.1.5.3.1.3.13",
            "2.16.840.1.113883.10.20.1.2",
            "2.16.840.1.113883.10.20.22.2.6",
            "2.16.840.1.113883.10.20.22.2.6.1",
        ],
    },
    Rule { category: Category::AdverseEffects, codes: &["44939-7"], templates: &["1.2.250.1.213.1.1.2.247"] },
    Rule { category: Category::Vigilance, codes: &["44944-7"], templates: &["1.2.250.1.213.1.1.2.245"] },
    Rule {
        category: Category::Problems,
        codes: &["11450-4"],
        templates: &[
            "1.2.250.1.213.1.1.2.132",
            "1.3.6.1.4.1.19376.1.5.3.1.3.6",
            "2.16.840.1.113883.10.20.1.11",
            "2.16.840.1.113883.10.20.22.2.5",
            "2.16.840.1.113883.10.20.22.2.5.1",
        ],
    },
    Rule {
        category: Category::Medications,
        // history, at discharge, on admission, administered
        codes: &["10160-0", "10183-2", "42346-7", "18610-6", "29549-3"],
        templates: &[
            "1.2.250.1.213.1.1.2.143",
            "1.2.250.1.213.1.1.2.144",
            "1.2.250.1.213.1.1.2.145",
            "1.2.250.1.213.1.1.2.146",
            "1.3.6.1.4.1.19376.1.5.3.1.3.19",
            "1.3.6.1.4.1.19376.1.5.3.1.3.20",
            "1.3.6.1.4.1.19376.1.5.3.1.3.21",
            "1.3.6.1.4.1.19376.1.5.3.1.3.22",
            "2.16.840.1.113883.10.20.1.8",
            "2.16.840.1.113883.10.20.22.2.1",
            "2.16.840.1.113883.10.20.22.2.1.1",
        ],
    },
    Rule {
        category: Category::MedicalHistory,
        codes: &["11348-0", "11329-0"],
        templates: &[
            "1.2.250.1.213.1.1.2.134",
            "1.3.6.1.4.1.19376.1.5.3.1.3.8",
            "2.16.840.1.113883.10.20.22.2.20",
        ],
    },
    Rule {
        category: Category::SurgicalHistory,
        codes: &["47519-4"],
        templates: &[
            "1.2.250.1.213.1.1.2.136",
            "1.3.6.1.4.1.19376.1.5.3.1.3.11",
            "2.16.840.1.113883.10.20.1.12",
        ],
    },
    Rule {
        category: Category::FamilyHistory,
        codes: &["10157-6"],
        templates: &[
            "1.2.250.1.213.1.1.2.139",
            "1.3.6.1.4.1.19376.1.5.3.1.3.14",
            "1.3.6.1.4.1.19376.1.5.3.1.3.15",
            "2.16.840.1.113883.10.20.22.2.15",
        ],
    },
    Rule {
        category: Category::RiskFactors,
        // risk factors, occupational history
        codes: &["57207-3", "10161-8"],
        templates: &["1.2.250.1.213.1.1.2.31", "1.2.250.1.213.1.1.2.74"],
    },
    Rule {
        category: Category::SocialHistory,
        codes: &["29762-2"],
        templates: &[
            "1.2.250.1.213.1.1.2.141",
            "1.3.6.1.4.1.19376.1.5.3.1.3.16",
            "1.3.6.1.4.1.19376.1.5.3.1.3.16.1",
            "2.16.840.1.113883.10.20.22.2.17",
        ],
    },
    Rule {
        category: Category::Immunizations,
        codes: &["11369-6"],
        templates: &[
            "1.2.250.1.213.1.1.2.147",
            "1.3.6.1.4.1.19376.1.5.3.1.3.23",
            "2.16.840.1.113883.10.20.1.6",
            "2.16.840.1.113883.10.20.22.2.2",
            "2.16.840.1.113883.10.20.22.2.2.1",
        ],
    },
    Rule {
        category: Category::PregnancyHistory,
        codes: &["10162-6"],
        templates: &["1.2.250.1.213.1.1.2.77", "1.3.6.1.4.1.19376.1.5.3.1.1.5.3.4"],
    },
    Rule {
        category: Category::Devices,
        codes: &["46264-8"],
        templates: &[
            "1.2.250.1.213.1.1.2.1",
            "1.3.6.1.4.1.19376.1.5.3.1.1.5.3.5",
            "2.16.840.1.113883.10.20.1.7",
            "2.16.840.1.113883.10.20.22.2.23",
        ],
    },
];

/// The category of a section: by its code, else by a template, else — VSM 1.4 writes its
/// vigilance points as a *Résultats d'examens non codés* section titled so — by a title
/// reading "Points de vigilance".
pub(super) fn category(section: &Section) -> Option<Category> {
    let code = section.code.as_ref().and_then(|c| c.code.as_deref()).map(str::trim);
    if let Some(rule) = code.and_then(|code| RULES.iter().find(|r| r.codes.contains(&code))) {
        return Some(rule.category);
    }
    let roots = || section.template_ids.iter().filter_map(|t| t.root.as_deref());
    if let Some(rule) = RULES.iter().find(|r| roots().any(|root| r.templates.contains(&root))) {
        return Some(rule.category);
    }
    let title = section.title.as_ref().map(|t| t.text.to_lowercase()).unwrap_or_default();
    title.contains("points de vigilance").then_some(Category::Vigilance)
}

/// The text of a narrative block, one line per block (paragraph, table row, list item,
/// line break), table cells separated by ` | `, white space collapsed; `None` when empty.
pub(super) fn narrative_text(narrative: &Narrative) -> Option<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // (node, whether it is the end marker of an element): an explicit stack, no recursion
    let mut stack: Vec<(NarrativeNode<'_>, bool)> = narrative.nodes().map(|n| (n, false)).collect();
    stack.reverse();
    while let Some((node, end)) = stack.pop() {
        match node {
            NarrativeNode::Text(text) => line.push_str(&text.text()),
            NarrativeNode::Element(element) => {
                let name = element.name();
                let block = matches!(
                    name,
                    "paragraph" | "tr" | "item" | "br" | "caption" | "table" | "list" | "thead" | "tbody"
                );
                let cell = matches!(name, "td" | "th");
                if end {
                    if cell {
                        line.push_str(" | ");
                    } else if block {
                        flush(&mut line, &mut lines);
                    }
                    continue;
                }
                if block {
                    flush(&mut line, &mut lines);
                }
                stack.push((node, true));
                let at = stack.len();
                stack.extend(element.children().map(|c| (c, false)));
                stack[at..].reverse();
            }
        }
    }
    flush(&mut line, &mut lines);
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Ends a line: white space collapsed, trailing cell separators dropped; empty lines skipped.
fn flush(line: &mut String, lines: &mut Vec<String>) {
    let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = words.trim_end_matches(['|', ' ']).trim_start_matches(['|', ' ']).to_string();
    if !text.is_empty() {
        lines.push(text);
    }
    line.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrative_reads_as_lines_with_cells_separated() {
        let narrative = Narrative::from_xml(
            "<paragraph>  Points\n de vigilance </paragraph>\
             <table><tbody><tr><td>Date</td><td>Agent</td></tr><tr><td>2021</td><td/></tr></tbody></table>\
             <paragraph>  </paragraph>",
        );
        assert_eq!(narrative_text(&narrative).as_deref(), Some("Points de vigilance\nDate | Agent\n2021"));
        assert_eq!(narrative_text(&Narrative::from_xml("")), None);
    }
}
