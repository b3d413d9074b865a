//! From what the scanner found to results: locating payloads inside JSON values, classifying
//! them, running the rules, and explaining the verdict.
//!
//! A JSON value that is not itself a payload is searched: object members and array items are
//! visited, and a string that holds JSON (a log line or an encoded body put there by a log
//! shipper) is scanned as text, recursively. A top-level value that holds no payload at all gets
//! a `not-a-payload` warning, unless it is a log record (it has a member named in
//! [`LOG_RECORD_KEYS`]) whose text simply held no payload.
//!
//! On the way in, what the capture says about when it was captured is noted
//! ([`CheckResult::captured_at`]): the date-time that starts the line a value sits on, and the
//! `time` or `timestamp` member of each object searched (a wrapper: docker's json-file record, a
//! CloudWatch Logs event). Each is handed down with the results found below it, and a result
//! keeps the first it meets on its way out, so the nearest to the payload wins: the line the
//! payload sits on in a docker `log` line, then the record's `time`, then the line the record
//! sits on. Looking for a line's date-time costs one look at the line's first byte when it is
//! not a digit, and finding where the line starts costs nothing more than the positions do.

use std::sync::{Arc, LazyLock};

use serde_json_path::{JsonPath, PathElement};

mod captured;
pub mod deliveries;
mod fingerprint;
mod finish;
mod mend;
pub mod policy;
mod reasons;
mod redact;
mod result;

pub use finish::{Finishing, RenderOne};
pub use mend::Repair;
pub use redact::{redact_credentials, without_values};
pub(crate) use result::Tallies;
pub use result::{CheckResult, Mended, Outcome, Reason, Source, Summary, Tally};

use crate::contract::{
    AUTH_FIELDS, AUTH_MARKERS, AuthField, FILTERED_MARKS, Kind, LOG_RECORD_KEYS, ONBOARDING_FIELDS, ONBOARDING_MARKER,
    Rule, Status,
};
use crate::json::{JsonStr, KnownText, Leniency, Member, Node, SyntaxKind, Value};
use crate::limits::MAX_UNWRAP_DEPTH;
use crate::rules::{AuthView, Details, FindingSink, Path, consistency, fields};
use crate::scan::joined::JoinedRun;
use crate::scan::logged::{Elision, Logged, OffsetMap};
use crate::scan::position::Locator;
use crate::scan::{Found, Region, ScanOptions, Scanner};
use captured::Stamp;
use compact_str::CompactString;

/// Settings for turning found values into results.
#[derive(Debug, Clone, Default)]
pub struct AssessOptions {
    /// How JSON values are found and parsed, in the input and in the strings unwrapped.
    pub scan: ScanOptions,
    /// Attach the (redacted) payload to each result.
    pub with_payload: bool,
    /// Leave each reason's message empty, its code kept: for a run whose output shows no
    /// reason in words (`check --quiet` in the human format, `stats`), which then writes and
    /// redacts no message per payload.
    pub terse: bool,
    /// Look for payloads only where this JSONPath selects inside each value found.
    pub select: Option<Arc<JsonPath>>,
    /// What is done to each result before it leaves the thread that made it.
    pub finishing: Finishing,
}

/// Turns what the scanner found into results, in input order.
#[derive(Clone)]
pub(crate) struct Assessor<'o> {
    options: &'o AssessOptions,
    path: Arc<str>,
    /// The capture time of a result whose input does not say when it was captured (the time a
    /// request was received).
    received_at: Option<&'o str>,
    /// The printed value being read, when the values assessed are its translation.
    logged: Option<&'o Logged>,
}

impl<'o> Assessor<'o> {
    pub fn new(options: &'o AssessOptions, path: Arc<str>) -> Self {
        Assessor { options, path, received_at: None, logged: None }
    }

    /// This assessor, with `received_at` as the capture time of results whose input gives none.
    pub fn received_at(self, received_at: Option<&'o str>) -> Self {
        Assessor { received_at, ..self }
    }

    /// Adds the results for one found item to `out`; `locator` places offsets of the scanned
    /// buffer. Results are made where they are kept, in `out`, and what applies to several
    /// (a capture time, the finishing) is done to them there: handing each on by value through
    /// a chain of closures moved every result five times.
    pub fn assess(&self, found: &Found<'_>, locator: &Locator<'_>, out: &mut Vec<CheckResult>) {
        let from = out.len();
        self.assess_at_depth(found, locator, 0, out);
        for result in out.iter_mut().skip(from) {
            if result.captured_at.is_none() {
                result.captured_at = self.received_at.map(CompactString::from);
            }
            self.options.finishing.finish(result);
        }
    }

    fn assess_at_depth(&self, found: &Found<'_>, locator: &Locator<'_>, depth: usize, out: &mut Vec<CheckResult>) {
        let locator = locator.rebased(found.start());
        let (head, line) = locator.line_so_far();
        stamping(|| captured::line_stamp(head, line), out, |out| self.found(found, &locator, depth, out));
    }

    /// Adds the results for one found item, `locator` anchored at its start.
    fn found(&self, found: &Found<'_>, locator: &Locator<'_>, depth: usize, out: &mut Vec<CheckResult>) {
        match found {
            Found::Value { parsed, shadowed: false, .. } => {
                self.value(&parsed.node, &parsed.leniencies, locator, depth, out)
            }
            // Within a broken value only payloads count, not the broken value's own fragments.
            Found::Value { parsed, shadowed: true, .. } => {
                let from = out.len();
                self.find_payloads(&parsed.node, locator, depth, out);
                keep_payloads(out, from);
            }
            Found::Logged { logged, .. } => self.logged(logged, locator, depth, out),
            Found::Joined { start, run } => self.joined(*start, run, locator, depth, out),
            Found::Syntax { start, end, error } => {
                let mut details = Details::new().with("error", error.kind.id());
                let mut message = error.kind.to_string();
                // The line's length from its end's column, which does not depend on where the
                // input was cut into pieces (characters: a log line's bytes when it is ASCII).
                let cut = mend::cut_line_end(locator.buf(), *start, error.offset)
                    .filter(|_| !matches!(error.kind, SyntaxKind::TrailingComma | SyntaxKind::Comment))
                    .map(|line_end| usize::try_from(locator.characters_before(line_end)).unwrap_or(0))
                    // A CRI record's prefix is the runtime's, not part of the line the logger cut.
                    .map(|length| length.saturating_sub(cri_prefix_of(locator).unwrap_or(0)));
                let by_logger = cut.filter(|length| mend::LOGGER_LIMITS.contains(length));
                if let Some(length) = cut {
                    message.push_str(&format!("; the value is cut where its line ends, after {length} characters"));
                    if by_logger.is_some() {
                        message.push_str(", a common logger limit: a logger probably truncated the line");
                    }
                    let read = read_before_cut(locator.buf().get(*start..error.offset).unwrap_or_default());
                    if let Some((names, _)) = &read {
                        message.push_str(&format!("; read before the cut: {}", names.join(", ")));
                    }
                    let read = read.map(|(_, fields)| fields);
                    details = details.with("lineCharacters", length).with("loggerLimit", by_logger);
                    details = details.with("readBeforeCut", read);
                }
                let mut result = self.unreadable(locator, *start, Rule::Syntax, error.offset, message, details);
                // What a logger cut away is unknown: no verdict is made up for it.
                if by_logger.is_none() {
                    result.mended = self.mended(locator, *start, *end, error.offset);
                }
                out.push(result);
            }
            Found::TooLarge { start, .. } => {
                let limit = self.options.scan.max_payload_bytes;
                let message =
                    format!("this JSON value is larger than {limit} bytes (--max-payload-bytes); it was skipped");
                let details = Details::new().with("limit", limit);
                out.push(self.unreadable(locator, *start, Rule::TooLarge, *start, message, details));
            }
        }
    }

    /// Adds the payloads in a value a receiver's language printed, read from its translation
    /// into JSON; anything else in it is not reported (an object printed by a program is no
    /// more a result than a brace in prose).
    fn logged(&self, logged: &Logged, locator: &Locator<'_>, depth: usize, out: &mut Vec<CheckResult>) {
        let Ok(parsed) = crate::json::parse_value(&logged.json, 0, crate::json::Options::default()) else { return };
        let reading = Assessor { logged: Some(logged), ..self.clone() };
        let composed = locator.through(&logged.map);
        let at = locator.translated(&logged.json, composed.as_ref().unwrap_or(&logged.map));
        let from = out.len();
        reading.find_payloads(&parsed.node, &at, depth, out);
        keep_payloads(out, from);
    }

    /// Adds the results in the text that a run of container log records holds in pieces, each
    /// placed at its own record, then those of the records of another stream within the run; a
    /// docker run is dated by its first record's `time` where a line gives no date-time.
    fn joined(&self, start: usize, run: &JoinedRun, locator: &Locator<'_>, depth: usize, out: &mut Vec<CheckResult>) {
        let first = run.first_record_end.and_then(|end| {
            let record = locator.buf().get(..end)?;
            crate::json::parse_value(record, start, crate::json::Options::default()).ok()
        });
        let composed = locator.through(&run.map);
        let at = locator.joined(&run.text, composed.as_ref().unwrap_or(&run.map));
        let known = KnownText::check(&run.text, 0, run.text.len());
        stamping(
            || first.as_ref().and_then(|record| captured::wrapper_stamp(&record.node)),
            out,
            |out| self.scan_text(&run.text, known, at, depth + 1, out),
        );
        if run.others.is_empty() {
            return;
        }
        // The other stream's records, one after the other, are read as the input would be
        // without the run's: a payload they spread over several is joined too.
        let mut others = Vec::new();
        let mut map = OffsetMap::default();
        for &(from, to) in &run.others {
            map.mark(others.len(), from);
            others.extend_from_slice(locator.buf().get(from..to).unwrap_or_default());
            others.push(b'\n');
        }
        let composed = locator.through(&map);
        let at = locator.translated(&others, composed.as_ref().unwrap_or(&map));
        // Each level of runs within runs is one deeper; past the deepest unwrapped, the other
        // records are read one by one, so no input can make the reading recurse without end.
        let mut scanner = Scanner::new(self.options.scan);
        if depth + 1 >= MAX_UNWRAP_DEPTH {
            scanner.read_records_alone();
        }
        self.scan_with(scanner, &others, KnownText::default(), at, depth + 1, out);
    }

    /// Scans `text`, of which `known` is known to be UTF-8, and adds what is found in it,
    /// placed by `locator`.
    fn scan_text<'t>(
        &self,
        text: &'t [u8],
        known: KnownText<'t>,
        locator: Locator<'_>,
        depth: usize,
        out: &mut Vec<CheckResult>,
    ) {
        self.scan_with(Scanner::new(self.options.scan), text, known, locator, depth, out);
    }

    /// [`Assessor::scan_text`] with `scanner`.
    fn scan_with<'t>(
        &self,
        mut scanner: Scanner,
        text: &'t [u8],
        mut known: KnownText<'t>,
        mut locator: Locator<'_>,
        depth: usize,
        out: &mut Vec<CheckResult>,
    ) {
        let scanned = scanner.scan_region_known(text, Region::whole(true), &mut known);
        for found in scanned.found {
            // From one item to the next, so that finding where each one's line starts reads the
            // text once.
            locator = locator.rebased(found.start());
            self.assess_at_depth(&found, &locator, depth, out);
        }
    }

    /// Adds to the result for the payload `node` how it was printed, and what the printer left
    /// out of it: findings below an elided value are dropped, since what it held is unknown.
    fn note_logged(&self, node: &Node<'_>, locator: &Locator<'_>, result: &mut CheckResult) {
        let Some(logged) = self.logged else { return };
        let mut sink = FindingSink::new(*locator);
        let form = logged.form;
        let message = format!(
            "logged as {}: the receiver logged the parsed object, not the body it received; strings and numbers are as the language printed them",
            form.description()
        );
        sink.add(Rule::LoggedForm, &Path::Root, node.offset, message, Details::new().with("form", form.id()));
        let elided = elisions_within(node, &logged.elisions);
        if !elided.is_empty() {
            // What was left out is unknown: the delivery cannot be compared with another.
            result.content_hash = None;
        }
        for elided in elided {
            let partial = elided.elision.printed.starts_with("...");
            result.findings.retain(|f| {
                if partial { f.pointer != elided.pointer } else { !is_at_or_below(&f.pointer, &elided.pointer) }
            });
            let (what, printed) = (elided.what(), &elided.elision.printed);
            let message = if partial {
                format!("the logger printed only part of {what} ({printed}): what it left out is unknown")
            } else {
                format!("the logger printed {printed} instead of {what}: what it held is unknown and is not checked")
            };
            let details = Details::new().with_text("printed", printed).with("count", elided.count);
            sink.add_at(Rule::ElidedValue, elided.pointer, elided.elision.offset, message, details);
        }
        result.findings.append(&mut sink.findings);
        result.settle();
    }

    /// What the broken value at `start..end` reads as once mended, when it mends into an
    /// authentication payload.
    fn mended(&self, locator: &Locator<'_>, start: usize, end: usize, broke_at: usize) -> Option<Box<Mended>> {
        // The broken value's shadow may end before the byte that broke it (the brace after a
        // trailing comma), which the parse did read: it is taken too. Nothing past what the
        // scanner read is, so that the mend does not depend on where the input was cut.
        let end = end.max(broke_at.saturating_add(1)).min(locator.buf().len());
        let (text, repairs) = mend::mend(locator.buf().get(start..end)?)?;
        let parsed = crate::json::parse_value(&text, 0, crate::json::Options::default()).ok()?;
        let at = Locator::new(&text, 0, locator.locate(start));
        let result = match &parsed.node.value {
            Value::Object(members) if has_any(members, AUTH_MARKERS) => self.authentication(&parsed.node, &at),
            _ => return None,
        };
        let repairs = repairs.into_iter().map(|r| Repair::at(r.repair, at.locate(r.offset), r.action));
        Some(Box::new(Mended {
            repairs: repairs.collect(),
            kind: result.kind,
            status: result.status,
            reasons: result.reasons,
            findings: result.findings,
        }))
    }

    fn source(&self, locator: &Locator<'_>, offset: usize) -> Source {
        Source::new(self.path.clone(), locator.locate(offset))
    }

    /// A result for a candidate that could not be read, with one finding.
    fn unreadable(
        &self,
        locator: &Locator<'_>,
        start: usize,
        rule: Rule,
        offset: usize,
        message: String,
        details: Details,
    ) -> CheckResult {
        let mut sink = FindingSink::new(*locator);
        sink.add(rule, &Path::Root, offset, message, details);
        CheckResult::unreadable(self.source(locator, start), sink.findings)
    }

    /// Adds the results for a top-level JSON value.
    fn value(
        &self,
        node: &Node<'_>,
        leniencies: &[Leniency],
        locator: &Locator<'_>,
        depth: usize,
        out: &mut Vec<CheckResult>,
    ) {
        // What lenient parsing accepted is told on the value's first result.
        let from = out.len();
        self.find_payloads(node, locator, depth, out);
        if let Some(first) = out.get_mut(from) {
            note_leniencies(first, leniencies, locator);
        } else if !is_log_record(node) {
            let mut result = self.not_a_payload(node, locator, depth);
            note_leniencies(&mut result, leniencies, locator);
            out.push(result);
        }
    }

    /// Adds the payloads found in a top-level JSON value, where `--select` points or anywhere.
    fn find_payloads(&self, node: &Node<'_>, locator: &Locator<'_>, depth: usize, out: &mut Vec<CheckResult>) {
        match &self.options.select {
            Some(path) if depth == 0 => {
                for (selected, stamp) in select(node, path) {
                    stamping(
                        || stamp,
                        out,
                        |out| match &selected.value {
                            Value::String(text) => {
                                self.unwrap_text(&text.decoded(), locator.locate(selected.offset), depth + 1, out)
                            }
                            _ => self.search(selected, locator, depth, out),
                        },
                    );
                }
            }
            _ => self.search(node, locator, depth, out),
        }
    }

    /// The result for a JSON value that holds no payload.
    fn not_a_payload(&self, node: &Node<'_>, locator: &Locator<'_>, depth: usize) -> CheckResult {
        let (anywhere, markers) = &*NO_PAYLOAD;
        let message = if self.options.select.is_some() && depth == 0 {
            "the --select JSONPath selects no webhook payload in this JSON value".to_owned()
        } else {
            anywhere.clone()
        };
        let details = Details::new().with("markers", markers.clone());
        self.unreadable(locator, node.offset, Rule::NotAPayload, node.offset, message, details)
    }

    /// Visits `node` and everything below it that is not itself a payload.
    fn search(&self, node: &Node<'_>, locator: &Locator<'_>, depth: usize, out: &mut Vec<CheckResult>) {
        match &node.value {
            Value::Object(members) if has_any(members, AUTH_MARKERS) => out.push(self.authentication(node, locator)),
            Value::Object(members) if has_any(members, &[ONBOARDING_MARKER]) => {
                out.push(self.onboarding(node, locator))
            }
            Value::Object(members) => stamping(
                || captured::wrapper_stamp(node),
                out,
                |out| self.search_each(members.iter().map(|m| &m.value), locator, depth, out),
            ),
            Value::Array(items) => self.search_each(items.iter(), locator, depth, out),
            Value::String(text) if depth < MAX_UNWRAP_DEPTH && may_hold_json(text) => {
                self.unwrap_text(&text.decoded(), locator.locate(node.offset), depth + 1, out);
            }
            Value::String(text) if may_hold_json(text) => out.push(self.too_deep(node.offset, locator)),
            _ => {}
        }
    }

    /// Visits values in input order, the locator moved along from one to the next, so that
    /// placing each costs only the bytes since the last (placing each from the start of the
    /// value that holds them made an array of 1,500 payloads take seconds).
    fn search_each<'n, 'a: 'n>(
        &self,
        nodes: impl Iterator<Item = &'n Node<'a>>,
        locator: &Locator<'_>,
        depth: usize,
        out: &mut Vec<CheckResult>,
    ) {
        let mut at = *locator;
        for node in nodes {
            at = at.rebased(node.offset);
            self.search(node, &at, depth, out);
        }
    }

    /// The result for a string holding JSON text below the deepest level that is unwrapped.
    fn too_deep(&self, offset: usize, locator: &Locator<'_>) -> CheckResult {
        let message = format!(
            "this string holds JSON text nested in strings more than {MAX_UNWRAP_DEPTH} levels deep, which is not searched for payloads"
        );
        let details = Details::new().with("limit", MAX_UNWRAP_DEPTH);
        self.unreadable(locator, offset, Rule::UnwrapDepth, offset, message, details)
    }

    /// Scans text that was held in a JSON string; everything found is placed at the string.
    fn unwrap_text(&self, text: &str, at: crate::scan::position::Position, depth: usize, out: &mut Vec<CheckResult>) {
        if self.logged.is_some() {
            // What a printed value's string holds is read as any text is.
            return Assessor { logged: None, ..self.clone() }.unwrap_text(text, at, depth, out);
        }
        // A string that is itself a JSON string literal was encoded twice: decode it once more.
        if text.trim_start().starts_with('"')
            && let Ok(parsed) = crate::json::parse_value(text.as_bytes(), 0, crate::json::Options::default())
            && let Value::String(inner) = parsed.node.value
        {
            if depth >= MAX_UNWRAP_DEPTH {
                return out.push(self.too_deep(0, &Locator::fixed(text.as_bytes(), at)));
            }
            return self.unwrap_text(&inner.decoded(), at, depth + 1, out);
        }
        // The text is already UTF-8, which the scanner need not check again.
        self.scan_text(text.as_bytes(), KnownText::from(text), Locator::fixed(text.as_bytes(), at), depth, out);
    }

    fn authentication(&self, node: &Node<'_>, locator: &Locator<'_>) -> CheckResult {
        let locator = locator.rebased(node.offset);
        let mut sink = FindingSink::new(locator);
        let mut view = AuthView::default();
        fields::check_object(node, AUTH_FIELDS, &Path::Root, &mut sink, Some(&mut view));
        let status =
            view.node(AuthField::OverallStatus).and_then(|n| n.as_str()).and_then(|s| Status::from_name(&s.decoded()));
        consistency::check(&view, status, &mut sink);
        let kind = if view.has_candidates() { Kind::Auth1ToN } else { Kind::Auth1To1 };
        let transaction = view.node(AuthField::TransactionId);
        let mut result = CheckResult {
            source: self.source(&locator, node.offset),
            captured_at: None,
            kind,
            status,
            valid: true,
            reasons: reasons::explain(&view, status, !self.options.terse),
            findings: sink.findings,
            mended: None,
            customer_id: view.text(AuthField::CustomerId),
            transaction_key: transaction
                .and_then(Node::as_str)
                .map(|id| fingerprint::transaction_key(&id.exact_bytes())),
            transaction_id: view.text(AuthField::TransactionId),
            transaction_at: transaction.map(|n| {
                let at = locator.locate(n.offset);
                (at.line, at.column)
            }),
            error_code: view.error_code(),
            overall_score: view.number(AuthField::OverallScore),
            recognition_confidence: view.recognition_confidence(),
            spoof_confidence: view.number(AuthField::SpoofConfidence),
            // A credential a log filter replaced is unknown: such a delivery is not compared.
            content_hash: (transaction.is_some() && !has_filtered_credential(&view))
                .then(|| fingerprint::of(node, &view)),
            rendered: None,
            payload: self.payload(node, locator.buf()),
        };
        result.settle();
        self.note_logged(node, &locator, &mut result);
        result
    }

    fn onboarding(&self, node: &Node<'_>, locator: &Locator<'_>) -> CheckResult {
        let locator = locator.rebased(node.offset);
        let mut sink = FindingSink::new(locator);
        fields::check_object(node, ONBOARDING_FIELDS, &Path::Root, &mut sink, None);
        let status =
            node.get(ONBOARDING_MARKER).and_then(Node::as_str).map(|s| crate::rules::preview_text(&s.decoded()));
        let message = format!(
            "this is an onboarding status webhook (onboardingStatus {}), not a 1:1 authentication result",
            status.unwrap_or_else(|| "unreadable".to_owned())
        );
        let details =
            Details::new().with("kind", Kind::OnboardingStatus.name()).with("expected", Kind::Auth1To1.name());
        sink.add(Rule::WrongWebhook, &Path::Root, node.offset, message, details);
        let mut result = CheckResult::unreadable(self.source(&locator, node.offset), sink.findings);
        result.kind = Kind::OnboardingStatus;
        result.payload = self.payload(node, locator.buf());
        self.note_logged(node, &locator, &mut result);
        result
    }

    /// The payload `node` of `input` as a result shows it, when the output shows payloads.
    fn payload(&self, node: &Node<'_>, input: &[u8]) -> Option<String> {
        self.options.with_payload.then(|| redact::payload_json(node, input, self.options.finishing.show_secrets))
    }
}

/// What a JSON value that holds no payload anywhere is told, and the names its `markers` detail
/// lists: made once, since a capture can hold millions of such values.
static NO_PAYLOAD: LazyLock<(String, serde_json::Value)> = LazyLock::new(|| {
    let message = format!(
        "this JSON value holds no webhook payload (none of {} or {ONBOARDING_MARKER} at any depth)",
        AUTH_MARKERS.join(", ")
    );
    let markers: Vec<&str> = AUTH_MARKERS.iter().chain([&ONBOARDING_MARKER]).copied().collect();
    (message, markers.into())
});

/// Runs `then`, then gives each result it added to `out` the date-time `stamp` finds, unless
/// something nearer the payload gave it one already. `stamp` is asked once, and only for a
/// result that has none: where a docker `log` line starts with one, the record's `time` is
/// never read.
fn stamping(
    stamp: impl FnOnce() -> Option<Stamp>,
    out: &mut Vec<CheckResult>,
    then: impl FnOnce(&mut Vec<CheckResult>),
) {
    let from = out.len();
    then(out);
    let mut stamp = Some(stamp);
    let mut found: Option<Stamp> = None;
    for result in out.iter_mut().skip(from).filter(|result| result.captured_at.is_none()) {
        if let Some(stamp) = stamp.take() {
            found = stamp();
        }
        result.captured_at = found.as_ref().map(|stamp| CompactString::from(stamp.as_str()));
    }
}

/// Drops the results from `from` on that are not payloads (of kind unknown), keeping the order
/// of the rest.
fn keep_payloads(out: &mut Vec<CheckResult>, from: usize) {
    let from = from.min(out.len());
    let payloads: Vec<CheckResult> = out.drain(from..).filter(|result| result.kind != Kind::Unknown).collect();
    out.extend(payloads);
}

/// Adds a `lenient-syntax` warning to `result` for each thing lenient parsing accepted.
fn note_leniencies(result: &mut CheckResult, leniencies: &[Leniency], locator: &Locator<'_>) {
    if leniencies.is_empty() {
        return;
    }
    let mut sink = FindingSink::new(*locator);
    for leniency in leniencies {
        let details = Details::new().with("accepted", leniency.what.id());
        sink.add(
            Rule::LenientSyntax,
            &Path::Root,
            leniency.offset,
            format!("accepted {}", leniency.what.message()),
            details,
        );
    }
    result.findings.append(&mut sink.findings);
    result.settle();
}

/// One step of a selected location: a member name or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step<'p> {
    Name(&'p str),
    Index(usize),
}

/// The nodes below `node` that `path` selects, outermost only: a node inside another selected
/// node is found by searching that one, so selecting both would report its payloads twice. Each
/// comes with the date-time of the nearest wrapper object it is inside, if one gives it.
fn select<'n, 'a>(node: &'n Node<'a>, path: &JsonPath) -> Vec<(&'n Node<'a>, Option<Stamp>)> {
    let value = node.to_serde();
    let located = path.query_located(&value);
    let mut locations: Vec<Vec<Step<'_>>> = located
        .iter()
        .map(|found| {
            found
                .location()
                .iter()
                .map(|step| match step {
                    PathElement::Name(name) => Step::Name(name),
                    PathElement::Index(index) => Step::Index(*index),
                })
                .collect()
        })
        .collect();
    // Sorted, a location's descendants follow it at once; each is dropped for its ancestor.
    locations.sort_unstable();
    locations.dedup();
    let mut outermost: Vec<Vec<Step<'_>>> = Vec::with_capacity(locations.len());
    for location in locations {
        if outermost.last().is_none_or(|kept| !location.starts_with(kept)) {
            outermost.push(location);
        }
    }
    let mut members = MemberIndex::default();
    outermost.iter().filter_map(|location| members.resolve(node, location)).collect()
}

/// Objects' members by name, built the first time a large object is stepped into, so that
/// resolving many locations in one object (`$.*` over 100,000 members) takes linear time.
#[derive(Default)]
struct MemberIndex<'n, 'a> {
    objects: rustc_hash::FxHashMap<*const Node<'a>, rustc_hash::FxHashMap<std::borrow::Cow<'a, str>, &'n Node<'a>>>,
    /// The date-time each object stepped through gives, looked for once per object however many
    /// locations go through it.
    stamps: rustc_hash::FxHashMap<*const Node<'a>, Option<Stamp>>,
}

/// Objects with fewer members are searched member by member.
const INDEXED_MEMBERS: usize = 16;

impl<'n, 'a> MemberIndex<'n, 'a> {
    /// The node at `location` below `root`, and the date-time of the nearest wrapper object on
    /// the way there that gives one.
    fn resolve(&mut self, root: &'n Node<'a>, location: &[Step<'_>]) -> Option<(&'n Node<'a>, Option<Stamp>)> {
        let mut stamp = None;
        let found = location.iter().try_fold(root, |at, step| {
            let own =
                *self.stamps.entry(at).or_insert_with(|| is_wrapper(at).then(|| captured::wrapper_stamp(at)).flatten());
            stamp = own.or(stamp);
            match (step, &at.value) {
                (Step::Name(name), Value::Object(members)) if members.len() > INDEXED_MEMBERS => {
                    self.objects.entry(at).or_insert_with(|| index(members)).get(*name).copied()
                }
                (Step::Name(name), _) => at.get(name),
                (Step::Index(index), Value::Array(items)) => items.get(*index),
                (Step::Index(_), _) => None,
            }
        })?;
        Some((found, stamp))
    }
}

/// Whether `node` is an object that is not itself a payload, which a payload may be found in.
fn is_wrapper(node: &Node<'_>) -> bool {
    matches!(&node.value, Value::Object(members) if !has_any(members, AUTH_MARKERS) && !has_any(members, &[ONBOARDING_MARKER]))
}

/// An object's members by decoded name; where a name repeats, the last wins, as in [`Node::get`].
fn index<'n, 'a>(members: &'n [Member<'a>]) -> rustc_hash::FxHashMap<std::borrow::Cow<'a, str>, &'n Node<'a>> {
    members.iter().map(|member| (member.key.decoded(), &member.value)).collect()
}

/// Whether a string may hold JSON text: it has a brace, written as it is or escaped (`\u007b`).
fn may_hold_json(text: &JsonStr<'_>) -> bool {
    text.raw().contains('{') || (text.has_escapes() && text.decoded().contains('{'))
}

/// A value, or a run of items of one array, that a printer left out of a payload.
struct Elided<'e> {
    /// Where it is in the payload; for a run of items, the array.
    pointer: String,
    elision: &'e Elision,
    /// How many items of the array the run holds; 1 for a value.
    count: usize,
    in_array: bool,
}

impl Elided<'_> {
    fn what(&self) -> String {
        match (self.in_array, self.count) {
            (false, _) => "this value".to_owned(),
            (true, 1) => "an item of this array".to_owned(),
            (true, count) => format!("{count} items of this array"),
        }
    }
}

/// What a printer left out within `node`, outermost first: a value left out inside another is
/// not told again, and items of one array left out alike are told once.
fn elisions_within<'e>(node: &Node<'_>, elisions: &'e [Elision]) -> Vec<Elided<'e>> {
    let mut found: Vec<Elided<'e>> = Vec::new();
    if !elisions.is_empty() {
        elided_below(node, &Path::Root, None, elisions, &mut found);
    }
    found
}

fn elided_below<'e>(
    node: &Node<'_>,
    path: &Path<'_>,
    array: Option<&Path<'_>>,
    elisions: &'e [Elision],
    found: &mut Vec<Elided<'e>>,
) {
    let at = elisions.binary_search_by_key(&node.offset, |elision| elision.offset).ok();
    if let Some(elision) = at.and_then(|index| elisions.get(index)) {
        let pointer = array.unwrap_or(path).pointer();
        match found.last_mut() {
            Some(last)
                if array.is_some()
                    && last.in_array
                    && last.pointer == pointer
                    && last.elision.printed == elision.printed =>
            {
                last.count += 1;
            }
            _ => found.push(Elided { pointer, elision, count: 1, in_array: array.is_some() }),
        }
        if !elision.printed.starts_with("...") {
            return;
        }
    }
    match &node.value {
        Value::Object(members) => {
            for member in members {
                let key = member.key.decoded();
                elided_below(&member.value, &Path::Key(path, &key), None, elisions, found);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                elided_below(item, &Path::Index(path, index), Some(path), elisions, found);
            }
        }
        _ => {}
    }
}

/// The names, in input order, and the values of the members of a cut object read whole before
/// the cut, credentials and JWTs replaced by their length as in `--payload`.
fn read_before_cut(candidate: &[u8]) -> Option<(Vec<String>, serde_json::Value)> {
    let text = mend::before_cut(candidate)?;
    let parsed = crate::json::parse_value(&text, 0, crate::json::Options::default()).ok()?;
    let Value::Object(members) = &parsed.node.value else { return None };
    let names = members.iter().map(|member| member.key.decoded().into_owned()).collect();
    Some((names, serde_json::from_str(&redact::payload_json(&parsed.node, &text, false)).ok()?))
}

/// The length of the CRI prefix the line of `locator`'s anchor starts with, if it does.
fn cri_prefix_of(locator: &Locator<'_>) -> Option<usize> {
    let (head, line) = locator.line_so_far();
    let start: Vec<u8> = head.iter().chain(line).take(crate::scan::joined::CRI_PREFIX_MAX).copied().collect();
    crate::scan::joined::cri_prefix_len(&start)
}

/// Whether a credential of the payload holds what a log filter writes in its place.
fn has_filtered_credential(view: &AuthView<'_, '_>) -> bool {
    [AuthField::Token, AuthField::InterviewToken].into_iter().any(|field| {
        view.node(field).and_then(Node::as_str).is_some_and(|text| FILTERED_MARKS.iter().any(|mark| text.is(mark)))
    })
}

/// Whether the RFC 6901 `pointer` is `base` or points below it.
fn is_at_or_below(pointer: &str, base: &str) -> bool {
    pointer.strip_prefix(base).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a member's key is one of `keys`. A key without escapes is compared only when its
/// length is one of theirs: most members of a payload are ruled out by length alone (comparing
/// each with every marker cost 1.4% of a run).
fn has_any(members: &[Member<'_>], keys: &[&str]) -> bool {
    let length_bit = |length: usize| 1u64 << length.min(63);
    let lengths = keys.iter().fold(0, |mask, key| mask | length_bit(key.len()));
    members.iter().any(|m| {
        (m.key.has_escapes() || lengths & length_bit(m.key.raw().len()) != 0) && keys.iter().any(|key| m.key.is(key))
    })
}

fn is_log_record(node: &Node<'_>) -> bool {
    matches!(&node.value, Value::Object(members) if has_any(members, LOG_RECORD_KEYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Options, parse_value};

    fn keys_of(text: &str, keys: &[&str]) -> bool {
        let node = parse_value(text.as_bytes(), 0, Options::default()).expect("JSON").node;
        let Value::Object(members) = &node.value else { return false };
        has_any(members, keys)
    }

    #[test]
    fn a_key_is_found_however_it_is_written_and_however_long() {
        assert!(keys_of(r#"{"a":1,"overallStatus":"PASS"}"#, AUTH_MARKERS));
        assert!(keys_of(r#"{"overall\u0053tatus":"PASS"}"#, AUTH_MARKERS));
        assert!(keys_of(r#"{"\u0066aceMatch":true}"#, AUTH_MARKERS));
        assert!(!keys_of(r#"{"transactionId":"x","overallstatus":"PASS","faceMatches":1}"#, AUTH_MARKERS));
        let long = "k".repeat(70);
        assert!(keys_of(&format!(r#"{{"a":1,"{long}":2}}"#), &["b", &long]));
        assert!(!keys_of(&format!(r#"{{"{long}":2}}"#), &[&"k".repeat(64)]));
    }
}
