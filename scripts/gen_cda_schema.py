#!/usr/bin/env python3
"""Generate the CDA R2 content model table of `vigie check` (src/check/structure/schema_table.rs).

The native structure check (src/check/structure/) validates element order and cardinality,
attributes and their value sets the way the CDA schema does, without a schema at run time.
This script reads the schema once — by default the ANS kit's CDA_extended.xsd (CDA R2 with
the SDTC, IHE lab, IHE pharmacy and DICOM extensions used in France) — and reduces it to a
compact Rust table:

- every complex type as a deterministic automaton over its child elements (the XSD content
  model: sequences, choices, groups, minOccurs/maxOccurs, extension and restriction
  resolved), with the type each child element gets;
- its attributes (inherited ones included) with their simple type, `use` and `fixed` value;
- every simple type flattened to a lexical kind (cs, ts, uid, int, real, ...) and, when the
  schema enumerates them, the allowed values (voc.xsd's value sets: classCode, moodCode,
  nullFlavor, use...);
- the data type family of each type (II, CD, CS, TS, PQ, INT, REAL, BL), which the data
  type rules key on.

The schema itself is not part of the repository (../shared holds it); the table is, and
`--check` tells whether it is current.

Usage:
    python3 scripts/gen_cda_schema.py [--schema FILE]           # (re)write the table
    python3 scripts/gen_cda_schema.py --check [--schema FILE]   # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCHEMA = REPO_ROOT / ".." / "shared" / "ans-kit" / "infrastructure" / "cda" / "CDA_extended.xsd"
OUTPUT = REPO_ROOT / "src" / "check" / "structure" / "schema_table.rs"

XS = "http://www.w3.org/2001/XMLSchema"
Q = "{%s}" % XS
HL7 = "urn:hl7-org:v3"
# Namespaces of the table, in this order (index = the table's namespace number).
NAMESPACES = [
    HL7,
    "urn:hl7-org:sdtc",
    "urn:oid:1.3.6.1.4.1.19376.1.3.2",
    "urn:ihe:pharm:medication",
    "urn:dicom-org:ps3-20",
    "",
]
# Imported schemas that describe no CDA content (the XSLT wrapper of auto-presentable
# documents, XML Schema itself): the native check reads the ClinicalDocument only.
SKIPPED_NAMESPACES = {
    "http://www.w3.org/1999/XSL/Transform",
    XS,
    "http://www.w3.org/XML/1998/namespace",
}

# Lexical kinds of simple types (the Rust enum `Lex`), by HL7 simple type name first...
LEX_BY_HL7_NAME = {
    "bl": "Bl", "cs": "Cs", "ts": "Ts", "uid": "Uid", "oid": "Oid", "uuid": "Uuid",
    "ruid": "Ruid", "int": "Int", "real": "Real", "probability": "Probability", "st": "Str",
}
# ...then by XML Schema built-in type.
LEX_BY_BUILTIN = {
    "string": "Str", "normalizedString": "Str", "anySimpleType": "Str", "token": "Str",
    "language": "Str", "Name": "Str", "NMTOKEN": "NmToken", "NMTOKENS": "NmTokens",
    "ID": "NcName", "IDREF": "NcName", "IDREFS": "NcNames", "NCName": "NcName",
    "integer": "Int", "int": "Int", "long": "Int", "short": "Int", "nonNegativeInteger": "Int",
    "positiveInteger": "Int", "decimal": "Real", "double": "Real", "float": "Real",
    "boolean": "Boolean", "anyURI": "AnyUri", "base64Binary": "Str", "dateTime": "Str",
}
# xs:string keeps whitespace; every other built-in collapses it before checking.
PRESERVING = {"string", "anySimpleType", "base64Binary"}
# Data type families the data type rules key on: the first name met walking up the bases.
FAMILIES = ["II", "CS", "CD", "TS", "PQ", "INT", "REAL", "BL", "ED"]


class Schema:
    """Every global component of the schema set, by (kind, namespace, name)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[ET.Element, dict[str, str], str]] = {}
        self.components: dict[tuple[str, str, str], tuple[ET.Element, str]] = {}

    def load(self, path: str, includer_ns: str = "") -> None:
        """Loads a schema document and what it includes and imports. A document without a
        targetNamespace takes its includer's (a "chameleon" include, as HL7's coreschemas,
        which the pharmacy and DICOM schemas include again into their own namespaces): it is
        loaded once per namespace, keyed `path#namespace`."""
        path = os.path.normpath(path)
        prefixes: dict[str, str] = {}
        for event, item in ET.iterparse(path, events=("start-ns",)):
            prefixes.setdefault(item[0], item[1])
        tree_root = ET.parse(path).getroot()
        chameleon = "targetNamespace" not in tree_root.attrib
        tns = includer_ns if chameleon else tree_root.get("targetNamespace")
        key = f"{path}#{tns}" if chameleon else path
        if key in self.files:
            return
        if chameleon and "" not in prefixes:
            prefixes[""] = tns  # unprefixed references of a chameleon schema follow it
        self.files[key] = (tree_root, prefixes, tns)
        for child in tree_root:
            if child.tag in (Q + "include", Q + "import"):
                ns = child.get("namespace", tns)
                location = child.get("schemaLocation")
                target = os.path.join(os.path.dirname(path), location or "")
                if ns in SKIPPED_NAMESPACES or not location or not os.path.exists(target):
                    continue
                self.load(target, tns)
            elif child.get("name"):
                kind = child.tag[len(Q):]
                self.components.setdefault((kind, tns, child.get("name")), (child, key))

    def qname(self, path: str, value: str) -> tuple[str, str]:
        _, prefixes, tns = self.files[path]
        if ":" in value:
            prefix, local = value.split(":", 1)
            return prefixes.get(prefix, prefix), local
        return prefixes.get("", ""), value

    def get(self, kind: str, qname: tuple[str, str]):
        found = self.components.get((kind, qname[0], qname[1]))
        if found is None and qname[0] != HL7:
            # DICOM.xsd refers to HL7 types by their bare names
            found = self.components.get((kind, HL7, qname[1]))
        return found

    def tns(self, path: str) -> str:
        return self.files[path][2]


class Builder:
    """Turns schema components into table rows."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.types: list[dict] = []  # complex types, and simple types used as element types
        self.type_index: dict[object, int] = {}
        self.simples: list[dict] = []
        self.simple_index: dict[object, int] = {}
        self.names: set[tuple[str, str]] = set()
        self.pending: list[int] = []

    # ---- simple types ------------------------------------------------------------------
    def simple(self, node: ET.Element | None, path: str, qname: tuple[str, str] | None) -> int:
        key = qname if qname else (path, id(node))
        if key in self.simple_index:
            return self.simple_index[key]
        index = len(self.simples)
        self.simple_index[key] = index
        entry = {"name": qname[1] if qname else "", "lex": "Str", "values": None,
                 "list": False, "collapse": True}
        self.simples.append(entry)
        if qname and qname[0] == XS:
            entry["lex"] = LEX_BY_BUILTIN.get(qname[1], "Str")
            entry["collapse"] = qname[1] not in PRESERVING
            return index
        if node is None:
            return index
        # HL7's coreschemas are also included into the pharmacy and DICOM namespaces
        if qname and qname[1] in LEX_BY_HL7_NAME and qname[0] != XS:
            entry["lex"] = LEX_BY_HL7_NAME[qname[1]]
            # st, ts and the identifiers restrict xs:string (whitespace kept); the others
            # restrict a type that collapses it
            entry["collapse"] = qname[1] not in ("st", "ts", "uid", "oid", "uuid", "ruid")
            return index
        restriction = node.find(Q + "restriction")
        union = node.find(Q + "union")
        listed = node.find(Q + "list")
        if restriction is not None:
            base = self.simple_ref(restriction, path, restriction.get("base"))
            entry.update({k: self.simples[base][k] for k in ("lex", "values", "list", "collapse")})
            values = [e.get("value") for e in restriction.findall(Q + "enumeration")]
            if values:
                entry["values"] = sorted(set(values))
        elif union is not None:
            members = [self.simple_ref(union, path, m) for m in (union.get("memberTypes") or "").split()]
            members += [self.simple(s, path, None) for s in union.findall(Q + "simpleType")]
            lexes = {self.simples[m]["lex"] for m in members}
            closed = all(self.simples[m]["values"] is not None for m in members)
            entry["lex"] = lexes.pop() if len(lexes) == 1 else "Str"
            if closed and members:
                entry["values"] = sorted({v for m in members for v in self.simples[m]["values"]})
        elif listed is not None:
            item = self.simple_ref(listed, path, listed.get("itemType"))
            if listed.find(Q + "simpleType") is not None:
                item = self.simple(listed.find(Q + "simpleType"), path, None)
            entry.update({k: self.simples[item][k] for k in ("lex", "values")})
            entry["list"] = True
        return index

    def simple_ref(self, node: ET.Element, path: str, value: str | None) -> int:
        if value is None:
            inline = node.find(Q + "simpleType")
            return self.simple(inline, path, None)
        qname = self.schema.qname(path, value)
        if qname[0] == XS:
            return self.simple(None, path, qname)
        found = self.schema.get("simpleType", qname)
        if found is None:
            return self.simple(None, path, (XS, "anySimpleType"))
        return self.simple(found[0], found[1], (self.schema.tns(found[1]), qname[1]))

    # ---- complex types -----------------------------------------------------------------
    def type_ref(self, path: str, value: str | None, inline: ET.Element | None, owner: str) -> int:
        """The table index of an element's type: named, anonymous, or anyType (`None`)."""
        if value is None:
            if inline is not None and inline.tag == Q + "complexType":
                return self.complex(inline, path, None, owner)
            if inline is not None and inline.tag == Q + "simpleType":
                return self.simple_type_as_type(self.simple(inline, path, None), owner)
            return self.any_type()
        qname = self.schema.qname(path, value)
        found = self.schema.get("complexType", qname)
        if found is not None:
            return self.complex(found[0], found[1], (self.schema.tns(found[1]), qname[1]), qname[1])
        if qname[0] == XS and qname[1] == "anyType":
            return self.any_type()
        return self.simple_type_as_type(self.simple_ref(ET.Element("x"), path, value), qname[1])

    def any_type(self) -> int:
        return self.new_type(("anyType",), {"name": "anyType", "ns": 5, "skip": True})

    def simple_type_as_type(self, simple: int, name: str) -> int:
        return self.new_type(("simple", simple), {"name": name, "ns": 5, "simple": simple})

    def new_type(self, key, fields: dict) -> int:
        if key in self.type_index:
            return self.type_index[key]
        entry = {"name": "", "ns": 0, "base": None, "abstract": False, "mixed": False,
                 "simple": None, "skip": False, "attrs": {}, "model": None, "family": None,
                 "named": False}
        entry.update(fields)
        index = len(self.types)
        self.types.append(entry)
        self.type_index[key] = index
        return index

    def complex(self, node: ET.Element, path: str, qname, owner: str) -> int:
        key = qname if qname else (path, id(node))
        if key in self.type_index:
            return self.type_index[key]
        tns = self.schema.tns(path)
        index = self.new_type(key, {
            "name": qname[1] if qname else owner + "#anonymous",
            "ns": NAMESPACES.index(tns) if tns in NAMESPACES else 5,
            "named": bool(qname),
            "abstract": node.get("abstract") == "true",
            "mixed": node.get("mixed") == "true",
        })
        entry = self.types[index]
        content = node.find(Q + "complexContent")
        if content is None:
            entry["model"] = self.particles(node, path, entry["name"])
            entry["attrs"] = self.attributes(node, path, {})
        else:
            if content.get("mixed") == "true":
                entry["mixed"] = True
            derivation = content[0] if content[0].tag != Q + "annotation" else content[1]
            base_q = self.schema.qname(path, derivation.get("base"))
            base = self.type_ref(path, derivation.get("base"), None, base_q[1])
            entry["base"] = base
            base_entry = self.types[base]
            own = self.particles(derivation, path, entry["name"])
            if derivation.tag == Q + "extension":
                parts = [p for p in (base_entry["model"], own) if p is not None]
                entry["model"] = ("seq", parts, None, 1, 1) if len(parts) > 1 else (parts[0] if parts else None)
                entry["mixed"] = entry["mixed"] or base_entry["mixed"]
            else:
                entry["model"] = own
            entry["attrs"] = self.attributes(derivation, path, dict(base_entry["attrs"]))
        return index

    def particles(self, node: ET.Element, path: str, owner: str):
        for child in node:
            if child.tag in (Q + "sequence", Q + "choice", Q + "group", Q + "all"):
                return self.particle(child, path, owner)
        return None

    def particle(self, node: ET.Element, path: str, owner: str):
        low = int(node.get("minOccurs", "1"))
        high = node.get("maxOccurs", "1")
        high = None if high == "unbounded" else int(high)
        tag = node.tag[len(Q):]
        if tag == "element":
            if node.get("ref"):
                qname = self.schema.qname(path, node.get("ref"))
                found = self.schema.get("element", qname)
                decl, decl_path = found
                ns = self.schema.tns(decl_path)
                name = decl.get("name")
                inline = decl.find(Q + "complexType")
                if inline is None:
                    inline = decl.find(Q + "simpleType")
                ty = self.type_ref(decl_path, decl.get("type"), inline, name)
            else:
                ns = self.schema.tns(path)
                name = node.get("name")
                inline = node.find(Q + "complexType")
                if inline is None:
                    inline = node.find(Q + "simpleType")
                ty = self.type_ref(path, node.get("type"), inline, owner + "/" + name)
            self.names.add((ns, name))
            return ("elem", (ns, name), ty, low, high)
        if tag == "any":
            return ("any", node.get("namespace", "##any"), None, low, high)
        if tag == "group":
            qname = self.schema.qname(path, node.get("ref"))
            group, group_path = self.schema.get("group", qname)
            inner = self.particles(group, group_path, owner)
            return ("seq", [inner], None, low, high)
        children = [self.particle(c, path, owner) for c in node
                    if c.tag in (Q + "element", Q + "sequence", Q + "choice", Q + "group", Q + "any")]
        return ("seq" if tag in ("sequence", "all") else "choice", children, None, low, high)

    def attributes(self, node: ET.Element, path: str, inherited: dict) -> dict:
        attrs = inherited
        for child in node:
            if child.tag == Q + "attribute":
                if child.get("ref"):
                    qname = self.schema.qname(path, child.get("ref"))
                    decl, decl_path = self.schema.get("attribute", qname)
                    key = (self.schema.tns(decl_path), decl.get("name"))
                    simple = self.simple_ref(decl, decl_path, decl.get("type"))
                else:
                    key = ("", child.get("name"))
                    simple = self.simple_ref(child, path, child.get("type"))
                if child.get("use") == "prohibited":
                    attrs.pop(key, None)
                    continue
                attrs[key] = {"simple": simple, "required": child.get("use") == "required",
                              "fixed": child.get("fixed")}
            elif child.tag == Q + "attributeGroup":
                qname = self.schema.qname(path, child.get("ref"))
                group, group_path = self.schema.get("attributeGroup", qname)
                self.attributes(group, group_path, attrs)
        return attrs


# ---- automata ------------------------------------------------------------------------------
class Nfa:
    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[object, int]]] = []

    def state(self) -> int:
        self.eps.append([])
        self.edges.append([])
        return len(self.eps) - 1

    def build(self, particle, start: int) -> int:
        """Adds `particle` from `start`; returns its end state."""
        kind, body, extra, low, high = particle
        at = start
        for _ in range(low):
            at = self.once(kind, body, extra, at)
        if high is None:
            loop_start = self.state()
            self.eps[at].append(loop_start)
            loop_end = self.once(kind, body, extra, loop_start)
            self.eps[loop_end].append(loop_start)
            return loop_start
        for _ in range(high - low):
            end = self.once(kind, body, extra, at)
            skip = self.state()
            self.eps[at].append(skip)
            self.eps[end].append(skip)
            at = skip
        return at

    def once(self, kind, body, extra, start: int) -> int:
        if kind in ("elem", "any"):
            end = self.state()
            self.edges[start].append(((kind, body, extra), end))
            return end
        if kind == "seq":
            at = start
            for child in body:
                if child is not None:
                    at = self.build(child, at)
            return at
        end = self.state()
        for child in body:
            if child is not None:
                self.eps[self.build(child, start)].append(end)
        return end

    def closure(self, states) -> frozenset:
        seen = set(states)
        todo = list(states)
        while todo:
            for nxt in self.eps[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)


def automaton(model) -> tuple[list[dict], int]:
    """Subset construction: the deterministic automaton of a content model."""
    nfa = Nfa()
    start = nfa.state()
    end = nfa.build(model, start) if model is not None else start
    first = nfa.closure([start])
    states = {first: 0}
    rows = [None]
    todo = [first]
    while todo:
        current = todo.pop()
        moves: dict[object, tuple[list[int], int]] = {}
        for s in sorted(current):
            for (kind, body, ty), target in nfa.edges[s]:
                label = body if kind == "elem" else ("*", body)
                entry = moves.setdefault(label, ([], ty))
                entry[0].append(target)
        transitions = {}
        for label, (targets, ty) in moves.items():
            closed = nfa.closure(targets)
            if closed not in states:
                states[closed] = len(rows)
                rows.append(None)
                todo.append(closed)
            transitions[label] = (states[closed], ty)
        rows[states[current]] = {"accept": end in current, "trans": transitions}
    return rows, 0


# ---- output --------------------------------------------------------------------------------
def family(builder: Builder, index: int):
    at = index
    while at is not None:
        entry = builder.types[at]
        if entry["named"] and entry["name"] in FAMILIES:
            return entry["name"]
        at = entry["base"]
    return None


def rust_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(schema_path: Path) -> str:
    schema = Schema()
    schema.load(str(schema_path))
    builder = Builder(schema)
    root = builder.type_ref(str(schema_path.resolve()), None, None, "")  # anyType first
    for (kind, ns, name), (node, path) in sorted(schema.components.items(), key=lambda kv: kv[0]):
        if kind == "complexType" and ns in NAMESPACES:
            builder.complex(node, path, (ns, name), name)
    decl, decl_path = schema.get("element", (HL7, "ClinicalDocument"))
    root = builder.type_ref(decl_path, decl.get("type"), None, "ClinicalDocument")
    builder.names.add((HL7, "ClinicalDocument"))

    names = sorted(builder.names, key=lambda n: (NAMESPACES.index(n[0]), n[1]))
    name_id = {n: i for i, n in enumerate(names)}
    wildcard = len(names)

    values: list[str] = []
    value_runs: dict[tuple, tuple[int, int]] = {}
    simple_rows = []
    for s in builder.simples:
        run = (0, 0)
        if s["values"] is not None:
            key = tuple(s["values"])
            if key not in value_runs:
                value_runs[key] = (len(values), len(key))
                values.extend(key)
            run = value_runs[key]
        simple_rows.append((s, run))

    attrs_rows, states_rows, trans_rows, alpha_rows, type_rows = [], [], [], [], []
    for index, t in enumerate(builder.types):
        attr_start = len(attrs_rows)
        for (ns, name), a in sorted(t["attrs"].items(), key=lambda kv: (kv[0][0], kv[0][1])):
            attrs_rows.append((NAMESPACES.index(ns) if ns in NAMESPACES else 5, name, a))
        rows, _ = automaton(t["model"]) if not t["skip"] else ([{"accept": True, "trans": {}}], 0)
        base_state = len(states_rows)
        alphabet: dict[int, tuple[int, int]] = {}
        for row in rows:
            trans_start = len(trans_rows)
            items = []
            for label, (target, ty) in row["trans"].items():
                nid = wildcard if isinstance(label, tuple) and label[0] == "*" else name_id[label]
                ty = 0 if ty is None else ty  # a wildcard's content is skipped (anyType)
                items.append((nid, base_state + target, ty))
                alphabet.setdefault(nid, (ty, 0))
            items.sort()
            trans_rows.extend(items)
            states_rows.append((row["accept"], trans_start, len(items)))
        alpha_start = len(alpha_rows)
        for nid in sorted(alphabet):
            alpha_rows.append((nid, alphabet[nid][0], max_occurs(t["model"], names[nid] if nid < wildcard else None)))
        fam = family(builder, index)
        type_rows.append((t, attr_start, len(attrs_rows) - attr_start, base_state,
                          alpha_start, len(alpha_rows) - alpha_start, fam))

    digest = hashlib.sha256()
    for path in sorted({key.split("#")[0] for key in schema.files}):
        digest.update(Path(path).read_bytes())

    out = []
    w = out.append
    w("// @generated by scripts/gen_cda_schema.py from %s" % schema_path.name)
    w("// (schema set sha256 %s). Do not edit: run the script." % digest.hexdigest()[:16])
    w("")
    w("use super::table::{Attr, Family, Lex, Simple, State, Trans, Type, Word};")
    w("")
    w("pub(super) const CLINICAL_DOCUMENT: u16 = %d;" % root)
    w("pub(super) const WILDCARD: u16 = %d;" % wildcard)
    w("")
    w("pub(super) static NAMESPACES: [&str; %d] = [%s];" % (len(NAMESPACES), ", ".join(rust_str(n) for n in NAMESPACES)))
    w("")
    w("/// Element names of the content models, sorted by (namespace, local name).")
    w("pub(super) static NAMES: [(u8, &str); %d] = [" % len(names))
    for ns, name in names:
        w("    (%d, %s)," % (NAMESPACES.index(ns), rust_str(name)))
    w("];")
    w("")
    w("/// Enumerated values, one sorted run per value set.")
    w("pub(super) static VALUES: [&str; %d] = [" % len(values))
    packed(w, [rust_str(v) for v in values])
    w("];")
    w("")
    w("pub(super) static SIMPLES: [Simple; %d] = [" % len(simple_rows))
    w("    // (name, lexical kind, enumerated values in VALUES, is a list, collapses whitespace)")
    packed(w, ["Simple(%s, Lex::%s, Word(%d, %d), %s, %s)"
               % (rust_str(s["name"]), s["lex"], vs, vl, str(s["list"]).lower(), str(s["collapse"]).lower())
               for s, (vs, vl) in simple_rows])
    w("];")
    w("")
    w("pub(super) static ATTRS: [Attr; %d] = [" % len(attrs_rows))
    w("    // (namespace, name, simple type, required, fixed value), a run per type")
    packed(w, ["Attr(%d, %s, %d, %s, %s)"
               % (ns, rust_str(name), a["simple"], str(a["required"]).lower(),
                  "Some(%s)" % rust_str(a["fixed"]) if a["fixed"] is not None else "None")
               for ns, name, a in attrs_rows])
    w("];")
    w("")
    w("/// (accepting, transitions in TRANS) per automaton state; a type's automaton starts at its `start`.")
    w("pub(super) static STATES: [State; %d] = [" % len(states_rows))
    packed(w, ["State(%s, Word(%d, %d))" % (str(accept).lower(), start, length)
               for accept, start, length in states_rows])
    w("];")
    w("")
    w("/// (element name, next state, the child's type), sorted by name within each state.")
    w("pub(super) static TRANS: [Trans; %d] = [" % len(trans_rows))
    packed(w, ["Trans(%d, %d, %d)" % row for row in trans_rows])
    w("];")
    w("")
    w("/// Per type, every element name its content allows: (name, the child's type, most occurrences; 0 = unbounded).")
    w("pub(super) static ALPHABET: [Trans; %d] = [" % len(alpha_rows))
    packed(w, ["Trans(%d, %d, %d)" % row for row in alpha_rows])
    w("];")
    w("")
    named = sorted((t["ns"], t["name"], i) for i, t in enumerate(builder.types) if t["named"])
    w("/// Named types (for `xsi:type`), sorted by (namespace, name): (namespace, name, type).")
    w("pub(super) static NAMED_TYPES: [(u8, &str, u16); %d] = [" % len(named))
    packed(w, ["(%d, %s, %d)" % (ns, rust_str(name), i) for ns, name, i in named])
    w("];")
    w("")
    w("pub(super) static TYPES: [Type; %d] = [" % len(type_rows))
    for t, a_start, a_len, start, al_start, al_len, fam in type_rows:
        base = t["base"] if t["base"] is not None else 0xFFFF
        simple = t["simple"] if t["simple"] is not None else 0xFFFF
        w("    Type { name: %s, base: %d, is_abstract: %s, mixed: %s, skip: %s, simple: %d, family: Family::%s, attrs: Word(%d, %d), start: %d, alphabet: Word(%d, %d) },"
          % (rust_str(t["name"]), base, str(t["abstract"]).lower(),
             str(t["mixed"]).lower(), str(t["skip"]).lower(), simple, (fam or "Other").title() if fam else "Other",
             a_start, a_len, start, al_start, al_len))
    w("];")
    return "\n".join(out) + "\n"


def packed(w, items: list[str], width: int = 100) -> None:
    """Writes array items several to a line."""
    line = "   "
    for item in items:
        item = " " + item + ","
        if len(line) + len(item) > width and line.strip():
            w(line)
            line = "   "
        line += item
    if line.strip():
        w(line)


def max_occurs(model, name) -> int:
    """Most occurrences of element `name` (None: the wildcard) in a content model; 0 = unbounded."""
    def walk(p):
        if p is None:
            return 0
        kind, body, _, low, high = p
        if kind in ("elem", "any"):
            hit = (kind == "elem" and body == name) or (kind == "any" and name is None)
            inner = 1 if hit else 0
        elif kind == "seq":
            parts = [walk(c) for c in body]
            inner = None if None in parts else sum(parts)
        else:
            parts = [walk(c) for c in body]
            inner = None if None in parts else max(parts, default=0)
        if inner is None:
            return None
        if inner and high is None:
            return None
        return inner * (high if high is not None else 1)
    most = walk(model)
    return 0 if most is None else most


def main() -> int:
    sys.setrecursionlimit(20000)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA)
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    args = parser.parse_args()
    if not args.schema.is_file():
        print(f"gen_cda_schema: no schema at {args.schema}", file=sys.stderr)
        return 2
    text = generate(args.schema)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(REPO_ROOT)} is stale: run python3 scripts/gen_cda_schema.py",
                  file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(REPO_ROOT)} is current")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
