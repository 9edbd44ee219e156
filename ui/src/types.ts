// The JSON the backend sends: `Report` (src/summary.rs) and the model it carries
// (src/model/*.rs), plus the session's `Entry` (src/session.rs). Field names are the Rust
// ones (snake_case); a field the Rust side skips when empty (`skip_serializing_if`) is
// optional here; enums are kebab-case strings; `Body` is tagged by `kind`, `NarrativeNode`
// by `type`. Keep in step with the Rust types: docs/api.md lists the shapes.

// ---- src/xml/span.rs, src/diag.rs ------------------------------------------------------

/** A byte range `[start, end)` into the decoded source. */
export interface Span {
  start: number;
  end: number;
}

/** 1-based line and column (in characters). */
export interface Position {
  line: number;
  column: number;
}

export type Severity = 'info' | 'warning' | 'error';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  position: Position | null;
}

// ---- src/input.rs, src/summary.rs -----------------------------------------------------

export type InputKind =
  | 'clinical-document'
  | 'auto-presentable'
  | 'signed'
  | 'pdf'
  | 'zip'
  | 'other-xml'
  | 'unknown';

/** One document as `vigie inspect --json`, `GET /api/documents/{id}` and `open_document` give it. */
export interface Report {
  file: string;
  kind: InputKind;
  encoding?: string;
  size: number;
  lines?: number;
  complete: boolean;
  document?: ClinicalDocument;
  findings: Finding[];
}

// ---- src/session.rs -------------------------------------------------------------------

/** What the list shows of a document once it has been read. */
export interface Overview {
  kind: InputKind;
  type_label?: string;
  title?: string;
  date?: string;
  date_iso?: string;
  patient?: string;
  errors: number;
}

/** A document of the session. */
export interface Entry {
  id: number;
  name: string;
  path?: string;
  size: number;
  overview?: Overview;
}

/** What adding paths did (the desktop app's Open dialog or a drop). */
export interface Added {
  entries: Entry[];
  notes?: string[];
}

/** While the desktop app indexes the files just opened (src-tauri/src/indexing.rs). */
export interface IndexingProgress {
  done: number;
  total: number;
  /** The name of the document just read. */
  current: string;
  /** The last event of a run (finished or cancelled). */
  finished: boolean;
}

/** A folder opened recently in the desktop app (src-tauri/src/recent.rs), named by its
 *  position: the page never hands the app a path. */
export interface RecentFolder {
  index: number;
  name: string;
  parent: string;
  exists: boolean;
}

// ---- src/model/time.rs ----------------------------------------------------------------

export type Precision = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction';

/** An HL7 TS, kept at the precision it was written with. `display` is French (Paris time). */
export interface Timestamp {
  raw: string;
  iso: string;
  precision: Precision;
  display: string;
}

export interface Interval {
  low?: Timestamp;
  high?: Timestamp;
  center?: Timestamp;
  value?: Timestamp;
}

// ---- src/model/common.rs --------------------------------------------------------------

export interface Identifier {
  root?: string;
  extension?: string;
  assigning_authority_name?: string;
  null_flavor?: string;
  /** What the root OID is, when Vigie knows it ("INS-NIR", "RPPS/ADELI"...). */
  root_name?: string;
  span: Span;
}

export interface CodeQualifier {
  name?: Code;
  value?: Code;
}

export interface Code {
  code?: string;
  code_system?: string;
  code_system_name?: string;
  display_name?: string;
  /** Vigie's label from its terminology tables. */
  label?: string;
  null_flavor?: string;
  original_text?: string;
  original_text_reference?: string;
  translations?: Code[];
  qualifiers?: CodeQualifier[];
  span: Span;
}

export interface Text {
  text: string;
  span: Span;
}

export type NamePartKind = 'family' | 'given' | 'prefix' | 'suffix' | 'free';

export interface NamePart {
  kind: NamePartKind;
  value: string;
  /** BR birth name, SP used (spouse's) name, CL chosen name... */
  qualifier?: string;
}

export interface PersonName {
  use?: string;
  parts: NamePart[];
  null_flavor?: string;
  span: Span;
}

export interface Address {
  use?: string;
  lines?: string[];
  postal_code?: string;
  city?: string;
  /** For a French birthplace: the INSEE COG code. */
  county?: string;
  state?: string;
  country?: string;
  null_flavor?: string;
  span: Span;
}

export type TelecomKind = 'phone' | 'fax' | 'email' | 'mssante' | 'url' | 'other';

export interface Telecom {
  kind: TelecomKind;
  value: string;
  use?: string;
  null?: boolean;
  span: Span;
}

// ---- src/model/identifiers.rs ---------------------------------------------------------

/** What a patient identifier is, from its root OID. */
export type PatientIdKind =
  | 'ins-nir'
  | 'ins-nir-test'
  | 'ins-nir-demo'
  | 'ins-nia'
  | 'nir'
  | 'nia'
  | 'local';

/** The check of a NIR or NIA (the number behind an INS): its form, its digits, its key. */
export interface NirCheck {
  well_formed: boolean;
  /** What is wrong (form or key); absent when all is right. */
  problem?: string;
  sex_digit?: number;
  birth_year?: number;
  birth_month?: number;
  department?: string;
  expected_key?: number;
  given_key?: number;
  key_ok: boolean;
}

export type PractitionerIdKind = 'rpps' | 'adeli' | 'other';

/** A national practitioner identifier (root 1.2.250.1.71.4.2.1), split and checked. */
export interface PractitionerId {
  kind: PractitionerIdKind;
  /** The type prefix (TRE_G08): 8 RPPS, 0 ADELI, 3 structure + number... */
  prefix: string;
  number: string;
  meaning_fr: string;
  meaning_en: string;
  format_ok: boolean;
  key_ok?: boolean;
  problem?: string;
}

export type OrganizationIdKind =
  | 'adeli-cabinet'
  | 'finess'
  | 'siren'
  | 'siret'
  | 'rpps-cabinet'
  | 'other';

/** A national structure identifier (root 1.2.250.1.71.4.2.2), split and checked. */
export interface OrganizationId {
  kind: OrganizationIdKind;
  prefix: string;
  number: string;
  meaning_fr: string;
  meaning_en: string;
  format_ok: boolean;
  key_ok?: boolean;
  problem?: string;
}

// ---- src/model/header.rs --------------------------------------------------------------

export interface RelatedDocument {
  type_code: string;
  parent_id?: Identifier;
  parent_set_id?: Identifier;
  parent_version_number?: string;
  span: Span;
}

export interface PatientId {
  id: Identifier;
  kind: PatientIdKind;
  nir_check?: NirCheck;
}

export interface InsStatus {
  kind: PatientIdKind;
  value: string;
  key_ok: boolean;
  /** In French, as the référentiel INS names them. */
  missing_traits: string[];
}

export interface Birthplace {
  name?: string;
  address?: Address;
  cog_code?: string;
  span: Span;
}

export interface Contact {
  code?: Code;
  names: PersonName[];
  addresses?: Address[];
  telecoms?: Telecom[];
  span: Span;
}

export interface Patient {
  ids: PatientId[];
  names: PersonName[];
  sex?: Code;
  birth_time?: Timestamp;
  birthplace?: Birthplace;
  addresses?: Address[];
  telecoms?: Telecom[];
  guardians?: Contact[];
  ins?: InsStatus;
  span: Span;
}

export interface PractitionerIdentifier {
  id: Identifier;
  national?: PractitionerId;
}

export interface Specialty {
  code: Code;
  profession_code?: string;
  profession?: string;
  specialty_code?: string;
  specialty?: string;
}

export interface Device {
  manufacturer_model_name?: string;
  software_name?: string;
  span: Span;
}

export interface OrganizationIdentifier {
  id: Identifier;
  national?: OrganizationId;
}

export interface Organization {
  ids: OrganizationIdentifier[];
  name?: string;
  telecoms?: Telecom[];
  addresses?: Address[];
  practice_setting?: Code;
  span: Span;
}

export interface Actor {
  ids: PractitionerIdentifier[];
  specialty?: Specialty;
  names?: PersonName[];
  device?: Device;
  addresses?: Address[];
  telecoms?: Telecom[];
  organization?: Organization;
  span: Span;
}

export interface Author {
  time?: Timestamp;
  function?: Code;
  actor: Actor;
  span: Span;
}

export interface Signer {
  time?: Timestamp;
  signature_code?: string;
  actor: Actor;
  span: Span;
}

export interface Recipient {
  type_code: string;
  actor: Actor;
  span: Span;
}

export interface Participant {
  type_code: string;
  function?: Code;
  time?: Interval;
  class_code?: string;
  code?: Code;
  actor: Actor;
  span: Span;
}

export interface Performer {
  type_code: string;
  function?: Code;
  time?: Interval;
  actor: Actor;
  span: Span;
}

export interface ServiceEvent {
  class_code?: string;
  ids?: Identifier[];
  code?: Code;
  effective_time?: Interval;
  performers?: Performer[];
  span: Span;
}

export interface Facility {
  ids?: Identifier[];
  code?: Code;
  location_name?: string;
  location_address?: Address;
  organization?: Organization;
  span: Span;
}

export interface Encounter {
  ids?: Identifier[];
  code?: Code;
  effective_time?: Interval;
  responsible?: Actor;
  facility?: Facility;
  span: Span;
}

export interface Header {
  realm?: string;
  template_ids: Identifier[];
  id?: Identifier;
  code?: Code;
  title?: Text;
  effective_time?: Timestamp;
  confidentiality?: Code;
  language?: string;
  set_id?: Identifier;
  version_number?: string;
  related_documents?: RelatedDocument[];
  patients: Patient[];
  authors: Author[];
  custodian?: Organization;
  legal_authenticator?: Signer;
  authenticators?: Signer[];
  information_recipients?: Recipient[];
  participants?: Participant[];
  service_events?: ServiceEvent[];
  encounter?: Encounter;
  in_fulfillment_of?: Identifier[];
  span: Span;
}

// ---- src/model/body.rs ----------------------------------------------------------------

export interface NonXmlBody {
  media_type?: string;
  representation?: string;
  compression?: string;
  reference?: string;
  attachment?: number;
  span: Span;
}

export type Body =
  | { kind: 'structured'; sections: Section[]; span: Span }
  | ({ kind: 'non-xml' } & NonXmlBody)
  | { kind: 'missing' };

export type NarrativeNode =
  | {
      type: 'element';
      name: string;
      foreign?: boolean;
      attributes?: [string, string][];
      children?: NarrativeNode[];
      span: Span;
    }
  | { type: 'text'; text: string; span: Span };

export interface Narrative {
  nodes: NarrativeNode[];
  span: Span;
}

export interface Value {
  xsi_type?: string;
  value?: string;
  unit?: string;
  code?: Code;
  text?: string;
  low?: Value;
  high?: Value;
  center?: Value;
  numerator?: Value;
  denominator?: Value;
  translations?: Value[];
  inclusive?: boolean;
  null_flavor?: string;
  span: Span;
}

export interface Participation {
  via: string;
  type_code?: string;
  codes?: Code[];
  names?: string[];
  ids?: Identifier[];
  time?: Interval;
  span: Span;
}

export interface Relationship {
  via: string;
  type_code?: string;
  inversion?: boolean;
  sequence_number?: string;
  statement: Statement;
}

export interface Statement {
  kind: string;
  class_code?: string;
  mood_code?: string;
  negation?: boolean;
  xml_id?: string;
  template_ids?: Identifier[];
  ids?: Identifier[];
  code?: Code;
  text_reference?: string;
  text?: string;
  status?: string;
  effective_time?: Interval;
  values?: Value[];
  interpretations?: Code[];
  methods?: Code[];
  target_sites?: Code[];
  participations?: Participation[];
  attachment?: number;
  relationships?: Relationship[];
  span: Span;
}

export interface SectionEntry {
  type_code?: string;
  statement: Statement;
  span: Span;
}

export interface Section {
  xml_id?: string;
  template_ids?: Identifier[];
  ids?: Identifier[];
  code?: Code;
  title?: Text;
  text?: Narrative;
  language?: string;
  entries?: SectionEntry[];
  sections?: Section[];
  pdf_copy?: boolean;
  span: Span;
}

export type AttachmentKind = 'body' | 'observation-media' | 'pdf-copy';

export interface Attachment {
  kind: AttachmentKind;
  media_type?: string;
  representation?: string;
  compression?: string;
  reference?: string;
  xml_id?: string;
  section_path?: string[];
  content: Span;
  encoded_size: number;
  estimated_size: number;
  span: Span;
}

export interface ClinicalDocument {
  header: Header;
  body: Body;
  attachments: Attachment[];
}

// ---- src/library/{query,record,versions}.rs ------------------------------------------

/** Which date the date range applies to: the document's (`effectiveTime`) or the act's
 *  (`serviceEvent/effectiveTime`). */
export type DateField = 'document' | 'service';

/** How the rows are ordered: `date` is newest first (by relevance while searching). */
export type SortBy = 'date' | 'type' | 'author';

/** What the body of a document is. */
export type BodyKind = 'structured' | 'pdf' | 'other-file' | 'bare-pdf' | 'unreadable';

/** What the library pane asks (`Query`): every field optional, empty lists mean "any",
 *  several values in one list "any of them", and all filters combine. Dates are
 *  `YYYY-MM-DD`, both ends included. */
export interface LibraryQuery {
  since?: string;
  until?: string;
  date_field?: DateField;
  types?: string[];
  classes?: string[];
  specialties?: string[];
  authors?: string[];
  author_text?: string;
  organizations?: string[];
  patients?: string[];
  bodies?: BodyKind[];
  all_versions?: boolean;
  search?: string;
  sort?: SortBy;
  reverse?: boolean;
  offset?: number;
  limit?: number;
}

/** A coded value as the library shows and filters it. */
export interface Coded {
  code: string;
  system?: string;
  label: string;
}

export interface AuthorRecord {
  name: string;
  id?: string;
  /** "profession, specialty" (J01). */
  specialty?: Coded;
  /** The profession part of the specialty (G15). */
  profession?: Coded;
  organization?: string;
}

export interface PatientRecord {
  name: string;
  id?: string;
  birth_date?: string;
  key: string;
}

export interface SourceRecord {
  path?: string;
  name: string;
  member?: string;
}

/** One document of the library with its standing among versions and copies (`Row`). */
export interface LibraryRow {
  id: number;
  source: SourceRecord;
  size: number;
  kind: InputKind;
  body: BodyKind;
  document_id?: string;
  set_id?: string;
  version?: number;
  replaces?: string[];
  date?: string;
  /** French, Paris time: "01/04/2021 10:30". */
  date_display?: string;
  service_start?: string;
  service_end?: string;
  type_code?: Coded;
  class_code?: Coded;
  title?: string;
  authors?: AuthorRecord[];
  organizations?: string[];
  patient?: PatientRecord;
  /** `confidentialityCode` and a package's XDS codes (MASQUE_PS, INVISIBLE_PATIENT...). */
  confidentiality?: Coded[];
  attachments: number;
  errors: number;
  /** The first copy, for a second copy of the same document. */
  copy_of?: number;
  /** The other copies, for the first copy. */
  copies?: number[];
  /** The newest version, for an older one. */
  latest?: number;
  /** The older versions, newest first, for the newest one. */
  older?: number[];
}

/** One value of a facet, counted under all the other filters. */
export interface FacetValue {
  value: string;
  label: string;
  /** A type's class, a specialty's profession. */
  group?: string;
  count: number;
  selected: boolean;
}

export interface Facets {
  types: FacetValue[];
  classes: FacetValue[];
  specialties: FacetValue[];
  authors: FacetValue[];
  organizations: FacetValue[];
  patients: FacetValue[];
  bodies: FacetValue[];
}

/** What a query returns (`Results`). */
export interface LibraryResults {
  /** Documents matching every filter, before paging. */
  total: number;
  /** Documents in the library, every version and copy counted. */
  library_size: number;
  /** Matching documents folded into a newer version or a first copy. */
  hidden_versions: number;
  rows: LibraryRow[];
  facets: Facets;
}

// Lab results (src/results/types.rs): only the fields the results grid shows.

/** A code with the label to show for it (`Coded`). */
export interface LabCoded {
  code?: string;
  system_name?: string;
  label?: string;
  /** `originalText/reference/@value`: the narrative element that names the test (`#id`). */
  reference?: string;
  /** That element's text. */
  reference_text?: string;
}

/** A number with its unit: an interval bound, a translation (`Quantity`). */
export interface LabQuantity {
  value: string;
  unit?: string;
}

/** A result's value as a person reads it (`ResultValue`). */
export interface LabValue {
  kind: string;
  /** `1.950 m[IU]/L`, `≤ 1.0 mg/L`, `négatif`. */
  display: string;
  value?: string;
  unit?: string;
  /** The same quantity in other units (mmol/L beside g/L). */
  translations?: LabQuantity[];
}

export type Meaning =
  | 'normal'
  | 'low'
  | 'high'
  | 'critical-low'
  | 'critical-high'
  | 'critical'
  | 'abnormal'
  | 'off-scale-low'
  | 'off-scale-high'
  | 'susceptibility'
  | 'change'
  | 'uncertain'
  | 'unknown';

export interface LabInterpretation {
  code?: string;
  display_name?: string;
  french?: string;
  english?: string;
  meaning: Meaning;
}

export interface LabReferenceRange {
  value?: LabValue;
  text?: string;
  interpretation?: LabInterpretation;
  population?: string;
}

export interface LabPrevious {
  value?: LabValue;
  effective_time?: Interval;
  interpretations?: LabInterpretation[];
}

export interface LabResult {
  test: LabCoded;
  /** The entry in the source: the grid links to it, and tells a result the antibiogram
   *  matrix shows. */
  span?: Span;
  position?: Position;
  /** The narrative element the result's text references (`#id`). */
  text_reference?: string;
  value?: LabValue;
  reference_ranges?: LabReferenceRange[];
  interpretations?: LabInterpretation[];
  abnormal?: 'interpretation' | 'range';
  range_position?: 'below' | 'within' | 'above';
  previous?: LabPrevious[];
}

export interface LabBattery {
  kind: 'examination' | 'battery' | 'cluster' | 'isolate';
  code?: LabCoded;
  germ?: LabCoded;
  results?: LabResult[];
  batteries?: LabBattery[];
}

export interface LabChapter {
  title?: string;
  code?: LabCoded;
  results?: LabResult[];
  batteries?: LabBattery[];
  chapters?: LabChapter[];
  antibiogram?: LabAntibiogram;
}

/** A cell of the antibiogram: S, I or R, and the MIC or diameter when given. */
export interface LabSusceptibility {
  interpretation?: LabInterpretation;
  value?: string;
  span: Span;
}

/** One antibiotic across the isolates (`null` where an isolate was not tested). */
export interface LabAntibioticRow {
  label: string;
  test: LabCoded;
  cells: (LabSusceptibility | null)[];
}

/** Microbiology: the chapter's isolates × antibiotics (`Antibiogram`). */
export interface LabAntibiogram {
  isolates: { label: string; germ?: LabCoded }[];
  antibiotics: LabAntibioticRow[];
}

/** The lab results of a document (`GET /api/documents/{id}/results`, `document_results`). */
export interface LabReport {
  chapters: LabChapter[];
  result_count: number;
  abnormal_count: number;
}

// ---- src/check/ -----------------------------------------------------------------------

/** The layers of a check, in the order they run (`Layer` in src/check/issue.rs). */
export type CheckLayer = 'xml' | 'cda' | 'xsd' | 'kit' | 'builtin' | 'svrl';

/** A message in French and, when the rule has one, English (the kit's are French only). */
export interface CheckMessage {
  fr: string;
  en?: string | null;
}

/** Where the rule that fired is written (`RuleSource`), tagged by `kind`. */
export type RuleSource =
  | { kind: 'builtin'; page: string }
  | {
      kind: 'kit';
      file: string;
      pattern?: string | null;
      context: string;
      test: string;
      id?: string | null;
      line?: number | null;
    }
  | { kind: 'xsd'; schema: string }
  | { kind: 'svrl'; file: string };

/** One problem found by a check, located (`Issue`). */
export interface Issue {
  rule: string;
  layer: CheckLayer;
  severity: Severity;
  message: CheckMessage;
  span?: Span | null;
  position?: Position | null;
  /** Readable: `section[code=30954-2]/entry[3]/observation/value`. */
  path?: string | null;
  /** The XPath as SVRL reports it. */
  location?: string | null;
  source: RuleSource;
  hint?: CheckMessage | null;
  /** Other places the issue involves (the narrative row a lab result's entry is compared
   *  with); absent when there are none. */
  related?: Related[];
}

/** A second place an issue involves, and what it is to the issue (`Related`). */
export interface Related {
  /** « le texte narratif de ce résultat (#res-1) ». */
  message: CheckMessage;
  span: Span;
  position?: Position | null;
  /** Readable: `section[code=18719-5]/text/table/tbody/tr[1]`. */
  path?: string | null;
}

/** How one layer went: run (with its time) or skipped, and why (`LayerRun`). */
export interface LayerRun {
  layer: CheckLayer;
  ran: boolean;
  /** Why the layer did not run ("aucun dossier de kit donné"...). */
  skipped?: CheckMessage | string;
  issues: number;
  millis: number;
  /** How the layer ran, not what the document does wrong: the kit's volet and why it was
   *  chosen, kit files it could not read. Absent when empty. */
  notes?: CheckMessage[];
}

/** What checking a document gives (`Report` in src/check/report.rs; `GET
 *  /api/documents/{id}/check`, `check_document`): every layer, run or not, and every issue,
 *  sorted by position. */
export interface CheckReport {
  file: string;
  kind: InputKind;
  layers: LayerRun[];
  issues: Issue[];
  counts: { errors: number; warnings: number; infos: number };
}

// Cumulative results (src/results/cumulative.rs): a patient's results by test and date.

/** One moment of one report. */
export interface CumulativeColumn {
  /** HL7 form at the precision written. */
  time: string;
  /** ISO 8601, for the chart's axis. */
  iso: string;
  /** As a French reader expects it. */
  display: string;
  /** The report's id in the session. */
  document: number;
  title?: string;
}

/** One value of a series, in the series' unit. */
export interface CumulativePoint {
  column: number;
  /** The value as the report wrote it. */
  display: string;
  number?: number;
  bound?: string;
  low?: number;
  high?: number;
  flag?: string;
  abnormal: boolean;
  /** The unit the report wrote, when converted to the series' unit. */
  converted_from?: string;
}

/** One test in one unit across the reports. */
export interface CumulativeSeries {
  code?: string;
  system?: string;
  label: string;
  unit?: string;
  points: CumulativePoint[];
  abnormal: number;
  /** At least two numeric values: a chart can draw it. */
  numeric: boolean;
}

/** `GET /api/documents/{id}/cumulative`, `document_cumulative`. */
export interface Cumulative {
  columns: CumulativeColumn[];
  series: CumulativeSeries[];
  reports: number;
}

// ---- src/clinical/types.rs ------------------------------------------------------------

/** What a clinical section is about; the summary's groups come in this order. */
export type ClinicalCategory =
  | 'allergies'
  | 'adverse-effects'
  | 'vigilance'
  | 'problems'
  | 'medications'
  | 'medical-history'
  | 'surgical-history'
  | 'family-history'
  | 'risk-factors'
  | 'social-history'
  | 'immunizations'
  | 'pregnancy-history'
  | 'devices';

/** A code with its label, system and the narrative text it references (`Coded`). */
export interface ClinicalCoded {
  code?: string;
  system?: string;
  system_name?: string;
  label?: string;
  reference?: string;
  reference_text?: string;
  null_flavor?: string;
}

/** A dose or rate: as structured, and the narrative's words. */
export interface ClinicalAmount {
  display: string;
  text?: string;
}

/** When a treatment is taken: a period (PIVL_TS), an event (EIVL_TS), an interval. */
export interface ClinicalTiming {
  xsi_type?: string;
  period?: string;
  event?: ClinicalCoded;
  interval?: Interval;
  width?: string;
  text?: string;
}

export interface ClinicalStep {
  effective_time?: Interval;
  dose?: ClinicalAmount;
  rate?: ClinicalAmount;
  timing?: ClinicalTiming[];
}

/** A treatment's or vaccination's particulars (`Administration`). */
export interface ClinicalAdministration {
  product?: ClinicalCoded;
  product_name?: string;
  route?: ClinicalCoded;
  approach_site?: ClinicalCoded;
  dose?: ClinicalAmount;
  rate?: ClinicalAmount;
  /** `maxDoseQuantity`: the most that may be taken over a period. */
  max_dose?: ClinicalAmount;
  timing?: ClinicalTiming[];
  steps?: ClinicalStep[];
  lot_number?: string;
  dose_number?: string;
}

export interface ClinicalReaction {
  label?: string;
  code?: ClinicalCoded;
  severity?: ClinicalCoded;
  effective_time?: Interval;
  span: Span;
  position?: Position;
}

export interface ClinicalDetail {
  code?: ClinicalCoded;
  value?: LabValue;
  effective_time?: Interval;
  text?: string;
}

/** Where an item's label comes from (`ItemLabelSource`). */
export type ClinicalLabelSource = 'substance' | 'product' | 'code' | 'narrative' | 'kind';

/** One clinical statement (`ClinicalItem`). */
export interface ClinicalItem {
  statement: string;
  label?: string;
  label_source?: ClinicalLabelSource;
  code?: ClinicalCoded;
  kind?: ClinicalCoded;
  value?: LabValue;
  negated?: boolean;
  mood?: string;
  status?: string;
  clinical_status?: ClinicalCoded;
  effective_time?: Interval;
  concern?: { status?: string; effective_time?: Interval };
  severity?: ClinicalCoded;
  criticality?: ClinicalCoded;
  certainty?: ClinicalCoded;
  substance?: ClinicalCoded;
  reactions?: ClinicalReaction[];
  relative?: ClinicalCoded;
  administration?: ClinicalAdministration;
  target_sites?: ClinicalCoded[];
  reasons?: ClinicalCoded[];
  details?: ClinicalDetail[];
  performers?: string[];
  comments?: { text?: string; reference?: string }[];
  text_reference?: string;
  text?: string;
  span: Span;
  position?: Position;
}

export interface ClinicalSection {
  category: ClinicalCategory;
  title?: string;
  code?: ClinicalCoded;
  xml_id?: string;
  items?: ClinicalItem[];
  /** The section's narrative as plain text, when some item's subject is not coded. */
  narrative?: string;
  span: Span;
  position?: Position;
}

/** The clinical summary of a document (`GET /api/documents/{id}/clinical`, `document_clinical`). */
export interface ClinicalSummary {
  groups: { category: ClinicalCategory; sections: ClinicalSection[] }[];
  item_count: number;
}

/** One item of the security report: something of the document not rendered as written, where
 *  it is, and what was done instead (`src/render/mod.rs`, `Neutralised`). */
export interface Neutralised {
  /** A stable kebab-case name of the kind of item (`unsafe-link`, `event-handler`…). */
  code: string;
  /** What was found, as written in the document (`linkHtml href="javascript:…"`). */
  what: string;
  /** What the renderer did instead, in French (`lien retiré, texte conservé`). */
  action: string;
  span: Span;
  position?: Position;
}

/** A document rendered for the sandboxed iframe (`GET /api/documents/{id}/render`): a whole
 *  page with its inline CSS and its own strict CSP, and what was neutralised to make it safe. */
export interface Rendered {
  html: string;
  report: Neutralised[];
}
