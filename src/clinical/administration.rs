//! A `substanceAdministration`'s particulars — product name and lot number, route, site,
//! dose, rate, timing, progressive steps — read from the tree: the model keeps clinical
//! statements generically (codes, one effective time, participations summarised), and these
//! are the parts a treatment or a vaccination is read for. The tree's elements are read with
//! the builder's own data-type readers, so that a code or a quantity reads the same as
//! anywhere else.

use crate::build::Ctx;
use crate::diag::Findings;
use crate::model::body::{Statement, Value};
use crate::xml::{NodeId, Ns, Span, Tree};

use super::types::{Administration, Amount, Step, Timing};
use super::Extractor;

/// How many `effectiveTime`s of one administration are read, components included: enough
/// for any posology, and a bound on what a hostile document can make us do.
const MAX_TIMINGS: usize = 32;

impl Extractor<'_> {
    pub(super) fn administration(&self, s: &Statement) -> Administration {
        let mut administration = Administration {
            product: s
                .participations
                .iter()
                .filter(|p| p.via == "consumable")
                .find_map(|p| p.codes.first())
                .map(|c| self.coded(c))
                .filter(|c| c.code.is_some() || c.label.is_some()),
            ..Administration::default()
        };
        let Some((tree, node)) = self.tree.and_then(|t| Some((t, element_with_span(t, s.span)?))) else {
            return administration;
        };
        let mut findings = Findings::default();
        let mut ctx = Ctx { tree, findings: &mut findings, attachments: Vec::new(), media: &[] };
        let material = tree.path(node, &["consumable", "manufacturedProduct", "manufacturedMaterial"]);
        administration.product_name =
            material.and_then(|m| tree.child(m, "name")).and_then(|n| element_text(tree, n));
        administration.lot_number =
            material.and_then(|m| tree.child(m, "lotNumberText")).and_then(|n| element_text(tree, n));
        administration.route = tree.child(node, "routeCode").map(|n| self.coded(&ctx.code(n)));
        administration.approach_site = tree.child(node, "approachSiteCode").map(|n| self.coded(&ctx.code(n)));
        administration.dose = tree.child(node, "doseQuantity").and_then(|n| self.amount(&mut ctx, n));
        administration.rate = tree.child(node, "rateQuantity").and_then(|n| self.amount(&mut ctx, n));
        administration.max_dose = tree.child(node, "maxDoseQuantity").and_then(|n| self.amount(&mut ctx, n));
        administration.timing = self.timing(&mut ctx, node);
        for r in &s.relationships {
            let inner = &r.statement;
            if r.type_code.as_deref() != Some("COMP") || inner.kind != "substanceAdministration" {
                continue;
            }
            let step_node = element_with_span(tree, inner.span);
            administration.steps.push(Step {
                effective_time: inner.effective_time.clone().filter(|t| !t.is_empty()),
                dose: step_node
                    .and_then(|n| tree.child(n, "doseQuantity"))
                    .and_then(|n| self.amount(&mut ctx, n)),
                rate: step_node
                    .and_then(|n| tree.child(n, "rateQuantity"))
                    .and_then(|n| self.amount(&mut ctx, n)),
                timing: step_node.map(|n| self.timing(&mut ctx, n)).unwrap_or_default(),
                span: inner.span,
            });
        }
        administration
    }

    /// A dose or rate (PQ, or IVL_PQ bounds), with the narrative text its translation's
    /// `originalText` references; `None` when it holds no number.
    fn amount(&self, ctx: &mut Ctx<'_>, node: NodeId) -> Option<Amount> {
        let value = ctx.value(node);
        let display = amount_display(&value)?;
        Some(Amount { display, text: self.referenced_text(ctx.tree, node), span: value.span })
    }

    /// The `effectiveTime`s that say when: PIVL_TS, EIVL_TS, and the components of an
    /// SXPR_TS (the first IVL_TS, the treatment's period, is the item's effective time).
    fn timing(&self, ctx: &mut Ctx<'_>, node: NodeId) -> Vec<Timing> {
        let tree = ctx.tree;
        let mut timing = Vec::new();
        let mut stack: Vec<(NodeId, bool)> =
            tree.children_named(node, Ns::HL7, "effectiveTime").map(|n| (n, false)).collect();
        stack.reverse();
        while let Some((n, component)) = stack.pop() {
            if timing.len() >= MAX_TIMINGS {
                break;
            }
            let xsi_type = xsi_type(tree, n);
            match xsi_type.as_deref() {
                Some("SXPR_TS") => {
                    let mut comps: Vec<(NodeId, bool)> =
                        tree.children_named(n, Ns::HL7, "comp").map(|c| (c, true)).collect();
                    comps.reverse();
                    stack.extend(comps);
                }
                Some("PIVL_TS") => {
                    let period = tree.child(n, "period");
                    timing.push(Timing {
                        xsi_type,
                        period: period.and_then(|p| quantity_text(tree, p)),
                        event: None,
                        interval: None,
                        width: None,
                        text: period.and_then(|p| self.referenced_text(tree, p)),
                        span: tree.span(n),
                    });
                }
                Some("EIVL_TS") => {
                    let event = tree.child(n, "event").map(|e| self.coded(&ctx.code(e)));
                    timing.push(Timing {
                        xsi_type,
                        period: None,
                        text: event.as_ref().and_then(|e| e.reference_text.clone()),
                        event,
                        interval: None,
                        width: None,
                        span: tree.span(n),
                    });
                }
                Some("IVL_TS") | None if component => {
                    let interval = ctx.interval(n).filter(|i| !i.is_empty());
                    let width = tree.child(n, "width").and_then(|w| quantity_text(tree, w));
                    if interval.is_some() || width.is_some() {
                        timing.push(Timing {
                            xsi_type,
                            period: None,
                            event: None,
                            interval,
                            width,
                            text: None,
                            span: tree.span(n),
                        });
                    }
                }
                _ => {}
            }
        }
        timing
    }

    /// The narrative text the first `reference/@value` under `node` points at.
    fn referenced_text(&self, tree: &Tree, node: NodeId) -> Option<String> {
        tree.descendants(node)
            .filter(|&d| tree.is(d, Ns::HL7, "reference"))
            .find_map(|d| tree.attr(d, "value").and_then(|v| self.reader.resolve(&v)))
    }
}

/// The element whose span is `span`, found from the root down; `None` when there is none.
fn element_with_span(tree: &Tree, span: Span) -> Option<NodeId> {
    let mut at = tree.root()?;
    loop {
        let here = tree.span(at);
        if here == span {
            return Some(at);
        }
        at = tree.elements(at).find(|&c| {
            let s = tree.span(c);
            s.start <= span.start && span.end <= s.end
        })?;
    }
}

fn xsi_type(tree: &Tree, node: NodeId) -> Option<String> {
    tree.attr_ns(node, Ns::XSI, "type").map(|v| {
        let v = v.trim();
        v.rsplit_once(':').map_or(v, |(_, local)| local).to_string()
    })
}

/// An element's text, white space collapsed; `None` when empty (a `nullFlavor` name).
fn element_text(tree: &Tree, node: NodeId) -> Option<String> {
    let text = tree.text_content(node).split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// `@value @unit` of a PQ element as written (`8 h`); `None` without a value.
fn quantity_text(tree: &Tree, node: NodeId) -> Option<String> {
    let value = tree.attr(node, "value").map(|v| v.trim().to_string()).filter(|v| !v.is_empty())?;
    Some(with_unit(&value, tree.attr(node, "unit").as_deref()))
}

fn with_unit(value: &str, unit: Option<&str>) -> String {
    match unit.map(str::trim).filter(|u| !u.is_empty() && *u != "1") {
        Some(unit) => format!("{value} {unit}"),
        None => value.to_string(),
    }
}

/// A quantity as written: `1 {tablet}`, `1–2 {tablet}`, `≥ 1 {tablet}`, `10 mg/1 h`; equal
/// bounds are written once.
fn amount_display(value: &Value) -> Option<String> {
    let bound = |b: &Option<Box<Value>>| {
        b.as_deref().and_then(|b| Some((b.value.as_deref()?.trim().to_string(), b.unit.clone())))
    };
    if let Some(v) = value.value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        return Some(with_unit(v, value.unit.as_deref()));
    }
    match (bound(&value.low), bound(&value.high)) {
        (Some((l, lu)), Some((h, hu))) if l == h && lu == hu => Some(with_unit(&l, lu.as_deref())),
        (Some((l, lu)), Some((h, hu))) if lu == hu => Some(with_unit(&format!("{l}–{h}"), lu.as_deref())),
        (Some((l, lu)), Some((h, hu))) => {
            Some(format!("{}–{}", with_unit(&l, lu.as_deref()), with_unit(&h, hu.as_deref())))
        }
        (Some((l, lu)), None) => Some(format!("≥ {}", with_unit(&l, lu.as_deref()))),
        (None, Some((h, hu))) => Some(format!("≤ {}", with_unit(&h, hu.as_deref()))),
        (None, None) => {
            let n = value
                .numerator
                .as_deref()
                .and_then(|n| n.value.as_deref().map(|v| with_unit(v, n.unit.as_deref())));
            let d = value
                .denominator
                .as_deref()
                .and_then(|d| d.value.as_deref().map(|v| with_unit(v, d.unit.as_deref())));
            match (n, d) {
                (Some(n), Some(d)) => Some(format!("{n}/{d}")),
                (Some(n), None) => Some(n),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pq(value: &str, unit: &str) -> Option<Box<Value>> {
        Some(Box::new(Value { value: Some(value.into()), unit: Some(unit.into()), ..Value::default() }))
    }

    #[test]
    fn amounts_read_as_written() {
        let single = Value { value: Some("2".into()), unit: Some("mg".into()), ..Value::default() };
        assert_eq!(amount_display(&single).as_deref(), Some("2 mg"));
        let same = Value { low: pq("1", "{tablet}"), high: pq("1", "{tablet}"), ..Value::default() };
        assert_eq!(amount_display(&same).as_deref(), Some("1 {tablet}"));
        let range = Value { low: pq("1", "{tablet}"), high: pq("2", "{tablet}"), ..Value::default() };
        assert_eq!(amount_display(&range).as_deref(), Some("1–2 {tablet}"));
        let low = Value { low: pq("1500", "mg/d"), ..Value::default() };
        assert_eq!(amount_display(&low).as_deref(), Some("≥ 1500 mg/d"));
        let unitless = Value { value: Some("3".into()), unit: Some("1".into()), ..Value::default() };
        assert_eq!(amount_display(&unitless).as_deref(), Some("3"));
        assert_eq!(amount_display(&Value { null_flavor: Some("NAV".into()), ..Value::default() }), None);
    }
}
