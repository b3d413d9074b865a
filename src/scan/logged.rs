//! Reading a value as a receiver's language printed it, not as JSON: Python's dict repr
//! (`str(body)`), Node's `util.inspect` (what `console.log(body)` prints, on one line or many),
//! and Ruby's `inspect` (a Rails "Parameters:" line, `"key"=>value` or, since Ruby 3.4,
//! `"key" => value`).
//!
//! The printed value is translated into JSON text, with a map from each token of the
//! translation back to where it stands in the input, so that what is found in the translation is
//! placed in the input. What the printer left out is kept as an [`Elision`]: a value printed as
//! `[Object]`, `[Array]`, `{...}`, `[...]` or `<...>` stands as `null`; an array printed with
//! `... 2 more items`, or a string with `... 10 more characters`, stands as far as it was
//! printed.
//!
//! The form is told by how the value opens, which is all that needs to be looked at to decide
//! whether text may be one (a brace in prose, `{name}`, is not): Python writes `{'key': `, Node
//! `{ key: ` or `{ 'key-name': ` (a space, or a line break, after the brace), Ruby `{"key"=>`,
//! `{"key" => `, `{:key=>` or `{key: ` (no space after the brace). Only a value that reads whole
//! is translated: anything a printer does not write ends the reading, and scanning goes on
//! inside it.

use crate::limits::MAX_NESTING;

/// The longest placeholder or prefix a printer writes in brackets (`[Function: name]`,
/// `<ref *1>`, `#<Object:0x…>`), and the longest `\u{…}` escape.
const MAX_WORD: usize = 128;

/// A language's printed form of a parsed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoggedForm {
    /// Python's `repr` of a dict: `{'key': 'text', 'flag': True, 'none': None}`.
    PythonDict,
    /// Node's `util.inspect`: `{ key: 'text', flag: true, nested: [Object] }`.
    NodeInspect,
    /// Ruby's `inspect` of a Hash: `{"key"=>"text", "flag"=>true, "none"=>nil}`.
    RubyInspect,
}

impl LoggedForm {
    /// The form's id, as findings' details spell it: `python-dict`, `node-inspect`,
    /// `ruby-inspect`.
    pub fn id(self) -> &'static str {
        match self {
            LoggedForm::PythonDict => "python-dict",
            LoggedForm::NodeInspect => "node-inspect",
            LoggedForm::RubyInspect => "ruby-inspect",
        }
    }

    /// The form in words: `a Python dict`.
    pub fn description(self) -> &'static str {
        match self {
            LoggedForm::PythonDict => "a Python dict",
            LoggedForm::NodeInspect => "a Node object (util.inspect)",
            LoggedForm::RubyInspect => "a Ruby hash (inspect)",
        }
    }

    /// Whether `quote` opens a string in this form.
    fn quotes(self, quote: u8) -> bool {
        match self {
            LoggedForm::PythonDict => matches!(quote, b'\'' | b'"'),
            LoggedForm::NodeInspect => matches!(quote, b'\'' | b'"' | b'`'),
            LoggedForm::RubyInspect => quote == b'"',
        }
    }

    /// The JSON literal a printed word stands for.
    fn literal(self, word: &[u8]) -> Option<&'static str> {
        let (yes, no, none): (&[u8], &[u8], &[&[u8]]) = match self {
            LoggedForm::PythonDict => (b"True", b"False", &[b"None"]),
            // A member set to undefined is printed; JSON has no such value.
            LoggedForm::NodeInspect => (b"true", b"false", &[b"null", b"undefined"]),
            LoggedForm::RubyInspect => (b"true", b"false", &[b"nil"]),
        };
        if word == yes {
            Some("true")
        } else if word == no {
            Some("false")
        } else {
            none.contains(&word).then_some("null")
        }
    }
}

/// A value the printer left out, or printed only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elision {
    /// Offset in the translation of the value that stands for it.
    pub offset: usize,
    /// What the printer wrote instead, such as `[Object]` or `... 2 more items`. Elisions are
    /// in offset order.
    pub printed: String,
}

/// Where each token of a translation stands in the input it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Pairs of (offset in the translation, offset in the input), both increasing.
    points: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// Notes that the translation's byte at `translated` stands at `input`.
    pub(crate) fn mark(&mut self, translated: usize, input: usize) {
        match self.points.last_mut() {
            Some(last) if last.0 == translated => last.1 = input,
            _ => self.points.push((translated, input)),
        }
    }

    /// This map followed by `outer`, which places this map's input in another input.
    pub fn then(&self, outer: &OffsetMap) -> OffsetMap {
        OffsetMap { points: self.points.iter().map(|&(at, input)| (at, outer.input_offset(input))).collect() }
    }

    /// The input offset of the translation's byte at `translated`: the token's place there,
    /// plus how far into the token it is, but never past where the next token stands.
    pub fn input_offset(&self, translated: usize) -> usize {
        let next = self.points.partition_point(|&(at, _)| at <= translated);
        let Some(&(at, input)) = next.checked_sub(1).and_then(|token| self.points.get(token)) else {
            return self.points.first().map_or(0, |&(_, input)| input);
        };
        let bound = self.points.get(next).map_or(usize::MAX, |&(_, input)| input);
        input.saturating_add(translated - at).min(bound)
    }
}

/// A value read from its printed form.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    /// How it was printed.
    pub form: LoggedForm,
    /// The value as JSON text.
    pub json: Vec<u8>,
    /// Where the tokens of `json` stand in the input.
    pub map: OffsetMap,
    /// What the printer left out, in input order.
    pub elisions: Vec<Elision>,
    /// Offset one past the printed value in the input.
    pub end: usize,
}

/// Whether the text after an opening brace begins like a printed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opening {
    Yes,
    No,
    /// The text ends before that can be told.
    Undecided,
}

impl Opening {
    /// This answer, or `other` when this one is no.
    pub(crate) fn or(self, other: Opening) -> Opening {
        if self == Opening::No { other } else { self }
    }
}

/// Whether `after`, the text after an opening brace, begins a value printed by Python (`'key'`),
/// Node (a space, then `key: ` or `'key'`) or Ruby (`:key=>`, `key: `). A brace followed by a
/// quote, `{"`, opens JSON or a Ruby hash, which the scanner tries as JSON first.
pub(crate) fn opening(after: &[u8], at_eof: bool) -> Opening {
    let space = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = after.get(space..).unwrap_or_default();
    let undecided = if at_eof { Opening::No } else { Opening::Undecided };
    match rest.first() {
        None => undecided,
        Some(b'\'') => Opening::Yes,
        Some(b':') if space == 0 => match rest.get(1) {
            Some(&c) if is_word_start(c) => Opening::Yes,
            None => undecided,
            _ => Opening::No,
        },
        Some(&c) if is_word_start(c) => {
            let word = rest.iter().take_while(|&&b| is_word(b)).count();
            match (rest.get(word), rest.get(word + 1)) {
                (Some(b':'), Some(b)) if b.is_ascii_whitespace() => Opening::Yes,
                (Some(b':'), None) | (None, _) => undecided,
                _ => Opening::No,
            }
        }
        _ => Opening::No,
    }
}

/// What reading a printed value at an offset gave.
#[derive(Debug)]
pub(crate) enum Reading {
    /// A whole value, translated.
    Read(Box<Logged>),
    /// The text ends inside the value: more input may finish it. `opened` says whether it
    /// opens as a printed form (rather than ending before that can be told).
    Cut { opened: bool },
    /// It opens as a printed form but is not one whole: neither a printed value nor JSON.
    Broken,
    /// Not a printed value.
    Not,
}

/// Reads the value printed at `start` (an opening brace) in `text`, never past `text`'s end.
pub(crate) fn read(text: &[u8], start: usize) -> Reading {
    let form = match form_at(text, start) {
        Ok(form) => form,
        Err(Stop::Cut) => return Reading::Cut { opened: false },
        Err(Stop::Not) => return Reading::Not,
    };
    let mut reader = Reader {
        text,
        pos: start,
        form,
        json: Vec::with_capacity(text.len().saturating_sub(start).min(4096)),
        map: OffsetMap::default(),
        elisions: Vec::new(),
    };
    match reader.value(0) {
        Ok(()) => {
            // An array printed in part is noted after its items: in offset order, each is found
            // by a binary search.
            reader.elisions.sort_by_key(|elision| elision.offset);
            Reading::Read(Box::new(Logged {
                form,
                json: reader.json,
                map: reader.map,
                elisions: reader.elisions,
                end: reader.pos,
            }))
        }
        Err(Stop::Cut) => Reading::Cut { opened: true },
        Err(Stop::Not) => Reading::Broken,
    }
}

/// Why a reading stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At the end of the text.
    Cut,
    /// At something the form's printer does not write.
    Not,
}

type Step<T = ()> = Result<T, Stop>;

/// The form of the value whose opening brace is at `start`, told by its first key.
fn form_at(text: &[u8], start: usize) -> Step<LoggedForm> {
    let after = text.get(start + 1..).unwrap_or_default();
    let space = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let first = start + 1 + space;
    match text.get(first) {
        None => Err(Stop::Cut),
        Some(b'\'') if space == 0 => Ok(LoggedForm::PythonDict),
        Some(b'\'') => Ok(LoggedForm::NodeInspect),
        Some(b':') if space == 0 => Ok(LoggedForm::RubyInspect),
        Some(b'"') if space == 0 => {
            // `{"key"=>`, `{"key" => `: Ruby; `{"key":` is JSON, which did not parse.
            let end = string_end(text, first)?;
            let gap = text.get(end..).unwrap_or_default().iter().take_while(|&&b| b == b' ').count();
            match (text.get(end + gap), text.get(end + gap + 1)) {
                (Some(b'='), Some(b'>')) => Ok(LoggedForm::RubyInspect),
                (None, _) | (Some(b'='), None) => Err(Stop::Cut),
                _ => Err(Stop::Not),
            }
        }
        Some(&c) if is_word_start(c) && space == 0 => Ok(LoggedForm::RubyInspect),
        Some(&c) if is_word_start(c) => Ok(LoggedForm::NodeInspect),
        _ => Err(Stop::Not),
    }
}

/// Offset one past the closing quote of the string whose opening quote is at `at`.
fn string_end(text: &[u8], at: usize) -> Step<usize> {
    let quote = *text.get(at).ok_or(Stop::Cut)?;
    let mut pos = at + 1;
    loop {
        match text.get(pos) {
            None => return Err(Stop::Cut),
            Some(b'\\') => pos += 2,
            Some(b'\n' | b'\r') => return Err(Stop::Not),
            Some(&b) if b == quote => return Ok(pos + 1),
            Some(_) => pos += 1,
        }
    }
}

fn is_word_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Reads one printed value at a time, writing its JSON translation.
struct Reader<'t> {
    text: &'t [u8],
    pos: usize,
    form: LoggedForm,
    json: Vec<u8>,
    map: OffsetMap,
    elisions: Vec<Elision>,
}

impl Reader<'_> {
    fn peek(&self) -> Step<u8> {
        self.text.get(self.pos).copied().ok_or(Stop::Cut)
    }

    fn peek_at(&self, ahead: usize) -> Step<u8> {
        self.text.get(self.pos + ahead).copied().ok_or(Stop::Cut)
    }

    fn skip_space(&mut self) -> Step<u8> {
        while self.peek()?.is_ascii_whitespace() {
            self.pos += 1;
        }
        self.peek()
    }

    /// Notes that the token written next stands at the current input offset.
    fn mark(&mut self) {
        self.map.mark(self.json.len(), self.pos);
    }

    /// Reads a value at `depth` levels of nesting.
    fn value(&mut self, depth: usize) -> Step {
        if depth > MAX_NESTING {
            return Err(Stop::Not);
        }
        let byte = self.skip_space()?;
        self.mark();
        match byte {
            b'{' if self.at_elision(b"{...}")? => self.elided(5),
            b'[' if self.at_elision(b"[...]")? => self.elided(5),
            b'<' if self.at_elision(b"<...>")? => self.elided(5),
            b'{' => self.object(depth),
            b'[' if self.form == LoggedForm::NodeInspect && self.peek_at(1)?.is_ascii_uppercase() => {
                self.bracketed_word(depth)
            }
            b'[' => self.array(depth, b']'),
            b'(' if self.form == LoggedForm::PythonDict => self.array(depth, b')'),
            b'<' if self.form == LoggedForm::NodeInspect => {
                // `<ref *1> { … }`: a value that refers to itself further in.
                self.pos += self.word_len_until(b'>')? + 1;
                self.value(depth + 1)
            }
            quote if self.form.quotes(quote) => self.string_value(),
            // Ruby: a symbol, `:name`, printed for a value the program set, and an object,
            // `#<Class …>`, whose content is not printed.
            b':' if self.form == LoggedForm::RubyInspect => {
                self.pos += 1;
                let name = if self.peek()? == b'"' { self.string_text()? } else { self.word_text()? };
                self.push_json_string(&name);
                Ok(())
            }
            b'#' if self.form == LoggedForm::RubyInspect && self.peek_at(1)? == b'<' => {
                let length = self.word_len_until(b'>')? + 1;
                self.elided(length)
            }
            b'-' | b'0'..=b'9' => self.number(),
            c if is_word_start(c) => self.word(),
            _ => Err(Stop::Not),
        }
    }

    /// Whether `printed` stands here; a part of it cut by the end of the text may still be it.
    fn at_elision(&self, printed: &[u8]) -> Step<bool> {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        if rest.starts_with(printed) {
            Ok(true)
        } else if printed.starts_with(rest) {
            Err(Stop::Cut)
        } else {
            Ok(false)
        }
    }

    /// Writes `null` for the `length` bytes the printer wrote instead of a value.
    fn elided(&mut self, length: usize) -> Step {
        let printed = self.text.get(self.pos..self.pos + length).ok_or(Stop::Cut)?;
        self.elisions.push(Elision { offset: self.json.len(), printed: String::from_utf8_lossy(printed).into_owned() });
        self.json.extend_from_slice(b"null");
        self.pos += length;
        Ok(())
    }

    /// How many bytes there are from here to `close`, within one line and [`MAX_WORD`] bytes.
    fn word_len_until(&self, close: u8) -> Step<usize> {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        for (at, &b) in rest.iter().take(MAX_WORD).enumerate() {
            match b {
                _ if b == close => return Ok(at),
                b'\n' | b'\r' => return Err(Stop::Not),
                _ => {}
            }
        }
        if rest.len() < MAX_WORD { Err(Stop::Cut) } else { Err(Stop::Not) }
    }

    /// Node's `[Object]`, `[Array]`, `[Function: name]`, `[Circular *1]`: a value left out; or
    /// `[Object: null prototype] { … }`: a prefix to the value.
    fn bracketed_word(&mut self, depth: usize) -> Step {
        let length = self.word_len_until(b']')? + 1;
        let mut after = self.pos + length;
        while self.text.get(after) == Some(&b' ') {
            after += 1;
        }
        match self.text.get(after) {
            Some(b'{' | b'[') if self.text.get(self.pos + 1..).is_some_and(|t| t.starts_with(b"Object: ")) => {
                self.pos = after;
                self.value(depth + 1)
            }
            None => Err(Stop::Cut),
            _ => self.elided(length),
        }
    }

    fn object(&mut self, depth: usize) -> Step {
        self.pos += 1;
        self.json.push(b'{');
        if self.skip_space()? == b'}' {
            self.pos += 1;
            self.json.push(b'}');
            return Ok(());
        }
        loop {
            self.key()?;
            self.json.push(b':');
            self.value(depth + 1)?;
            match self.skip_space()? {
                b',' => {
                    self.pos += 1;
                    self.json.push(b',');
                }
                b'}' => {
                    self.pos += 1;
                    self.json.push(b'}');
                    return Ok(());
                }
                _ => return Err(Stop::Not),
            }
        }
    }

    /// A key and what separates it from its value.
    fn key(&mut self) -> Step {
        let byte = self.skip_space()?;
        self.mark();
        let separator: &[u8] = match (self.form, byte) {
            (LoggedForm::RubyInspect, b':') => {
                // `:key=>` or `:"key-name"=>`, an old Ruby's symbol key.
                self.pos += 1;
                if self.peek()? == b'"' {
                    self.string()?;
                } else {
                    self.word_key()?;
                }
                b"=>"
            }
            (LoggedForm::RubyInspect, b'"') => {
                self.string()?;
                if self.skip_space()? == b':' { b":" } else { b"=>" }
            }
            (LoggedForm::NodeInspect | LoggedForm::RubyInspect, c) if is_word_start(c) => {
                self.word_key()?;
                b":"
            }
            (_, quote) if self.form.quotes(quote) => {
                self.string()?;
                b":"
            }
            (LoggedForm::PythonDict | LoggedForm::RubyInspect, b'-' | b'0'..=b'9') => {
                let number = self.number_text()?;
                self.push_json_string(&number);
                if self.form == LoggedForm::RubyInspect { b"=>" } else { b":" }
            }
            _ => return Err(Stop::Not),
        };
        self.skip_space()?;
        for &expected in separator {
            if self.peek()? != expected {
                return Err(Stop::Not);
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// A key written as a bare word: Node's `key`, Ruby's `key` (before `: `) or `:key`.
    fn word_key(&mut self) -> Step {
        let word = self.word_text()?;
        self.push_json_string(&word);
        Ok(())
    }

    fn word_text(&mut self) -> Step<String> {
        let start = self.pos;
        while is_word(self.peek()?) {
            self.pos += 1;
        }
        let word = self.text.get(start..self.pos).unwrap_or_default();
        if word.first().is_none_or(|&b| !is_word_start(b)) {
            return Err(Stop::Not);
        }
        Ok(String::from_utf8_lossy(word).into_owned())
    }

    fn word(&mut self) -> Step {
        let word = self.word_text()?;
        let literal = self.form.literal(word.as_bytes()).ok_or(Stop::Not)?;
        self.json.extend_from_slice(literal.as_bytes());
        Ok(())
    }

    fn array(&mut self, depth: usize, close: u8) -> Step {
        let opened = self.json.len();
        self.pos += 1;
        self.json.push(b'[');
        let mut first = true;
        loop {
            let byte = self.skip_space()?;
            if byte == close {
                self.pos += 1;
                self.json.push(b']');
                return Ok(());
            }
            if !first && byte != b',' {
                return Err(Stop::Not);
            }
            if !first {
                self.pos += 1;
                if self.skip_space()? == close && close == b')' {
                    // A tuple of one, `(1,)`.
                    continue;
                }
                self.json.push(b',');
            }
            first = false;
            if self.form == LoggedForm::NodeInspect && self.at_elision(b"... ")? {
                // `... 98 more items`, always last.
                self.more_items(opened)?;
                continue;
            }
            self.value(depth + 1)?;
        }
    }

    /// Node's `... N more items` at the end of an array, which then stands as far as printed.
    fn more_items(&mut self, array: usize) -> Step {
        let printed = self.more(&["items", "item"])?;
        if self.json.last() == Some(&b',') {
            self.json.pop();
        }
        self.elisions.push(Elision { offset: array, printed });
        Ok(())
    }

    /// Reads `... N more WORD` (WORD one of `words`), as Node writes what it left out.
    fn more(&mut self, words: &[&str]) -> Step<String> {
        let start = self.pos;
        self.pos += 4;
        let digits = self.text.get(self.pos..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count();
        self.pos += digits;
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let word = words.iter().find(|word| rest.starts_with(format!(" more {word}").as_bytes()));
        match word {
            Some(word) if digits > 0 => self.pos += 6 + word.len(),
            // A prefix of what is looked for, cut by the end of the text, may still be it.
            _ if rest.len() < 16 && words.iter().any(|w| format!(" more {w}").as_bytes().starts_with(rest)) => {
                return Err(Stop::Cut);
            }
            _ => return Err(Stop::Not),
        }
        Ok(String::from_utf8_lossy(self.text.get(start..self.pos).unwrap_or_default()).into_owned())
    }

    fn string_value(&mut self) -> Step {
        let at = self.json.len();
        let mut text = self.string_text()?;
        // A long string printed in parts: Python's adjacent literals (pprint), Node's `+`.
        while let Some(next) = self.continuation()? {
            self.pos = next;
            text.push_str(&self.string_text()?);
        }
        self.push_json_string(&text);
        if self.form == LoggedForm::NodeInspect && self.at_elision(b"... ")? {
            // `'abc'... 9990 more characters`: the string stands as far as printed.
            let printed = self.more(&["characters", "character"])?;
            self.elisions.push(Elision { offset: at, printed });
        }
        Ok(())
    }

    /// Where the next part of a string printed in parts starts, if one follows.
    fn continuation(&self) -> Step<Option<usize>> {
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let space = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let after = match (self.form, rest.get(space)) {
            (LoggedForm::PythonDict, Some(_)) => space,
            (LoggedForm::NodeInspect, Some(b'+')) => {
                space
                    + 1
                    + rest.get(space + 1..).unwrap_or_default().iter().take_while(|b| b.is_ascii_whitespace()).count()
            }
            (LoggedForm::RubyInspect, _) | (_, Some(_)) => return Ok(None),
            (_, None) => return Err(Stop::Cut),
        };
        match rest.get(after) {
            Some(&quote) if self.form.quotes(quote) => Ok(Some(self.pos + after)),
            None => Err(Stop::Cut),
            Some(_) => Ok(None),
        }
    }

    /// A string in the form's quoting, written as a JSON string.
    fn string(&mut self) -> Step {
        let text = self.string_text()?;
        self.push_json_string(&text);
        Ok(())
    }

    /// The text of the string at the current offset, in the form's quoting, decoded.
    fn string_text(&mut self) -> Step<String> {
        let quote = self.peek()?;
        self.pos += 1;
        let mut decoded = String::new();
        loop {
            let rest = self.text.get(self.pos..).unwrap_or_default();
            let plain = rest.iter().position(|&b| b == quote || b == b'\\' || b < 0x20).ok_or(Stop::Cut)?;
            let run = std::str::from_utf8(rest.get(..plain).unwrap_or_default()).map_err(|_| Stop::Not)?;
            decoded.push_str(run);
            self.pos += plain;
            match self.peek()? {
                b'\\' => decoded.push(self.escape()?),
                b if b == quote => {
                    self.pos += 1;
                    return Ok(decoded);
                }
                _ => return Err(Stop::Not),
            }
        }
    }

    /// The character an escape sequence at the current offset stands for.
    fn escape(&mut self) -> Step<char> {
        let letter = self.peek_at(1)?;
        self.pos += 2;
        let simple = match letter {
            b'\\' | b'\'' | b'"' | b'`' | b'#' | b'/' => letter as char,
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'a' => '\u{7}',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'v' => '\u{b}',
            b'e' => '\u{1b}',
            b's' => ' ',
            b'0' => '\0',
            b'x' => return self.hex_char(2),
            b'u' if self.peek()? == b'{' => return self.braced_char(),
            b'u' => return self.utf16_char(),
            b'U' => return self.hex_char(8),
            _ => return Err(Stop::Not),
        };
        Ok(simple)
    }

    fn hex(&mut self, digits: usize) -> Step<u32> {
        let text = self.text.get(self.pos..self.pos + digits).ok_or(Stop::Cut)?;
        let text = std::str::from_utf8(text).map_err(|_| Stop::Not)?;
        let value = u32::from_str_radix(text, 16).map_err(|_| Stop::Not)?;
        self.pos += digits;
        Ok(value)
    }

    fn hex_char(&mut self, digits: usize) -> Step<char> {
        // Ruby escapes a byte that is not UTF-8 (`\xFF`), which stands as U+FFFD; Python and
        // Node escape a code point.
        let value = self.hex(digits)?;
        let invalid_byte = self.form == LoggedForm::RubyInspect && digits == 2 && value >= 0x80;
        Ok(if invalid_byte { char::REPLACEMENT_CHARACTER } else { char_of(value) })
    }

    /// `\u{1F600}`.
    fn braced_char(&mut self) -> Step<char> {
        let length = self.word_len_until(b'}')?;
        let digits = self.text.get(self.pos + 1..self.pos + length).ok_or(Stop::Cut)?;
        let digits = std::str::from_utf8(digits).map_err(|_| Stop::Not)?;
        let value = u32::from_str_radix(digits, 16).map_err(|_| Stop::Not)?;
        self.pos += length + 1;
        Ok(char_of(value))
    }

    /// `\uD83D\uDE00` or `\u00e9`; a lone surrogate stands as U+FFFD.
    fn utf16_char(&mut self) -> Step<char> {
        let high = self.hex(4)?;
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char_of(high));
        }
        if self.text.get(self.pos..self.pos + 2) == Some(b"\\u") {
            let back = self.pos;
            self.pos += 2;
            let low = self.hex(4)?;
            if (0xDC00..0xE000).contains(&low) {
                return Ok(char_of(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)));
            }
            self.pos = back;
        }
        Ok(char::REPLACEMENT_CHARACTER)
    }

    fn push_json_string(&mut self, text: &str) {
        self.json.push(b'"');
        for c in text.chars() {
            match c {
                '"' => self.json.extend_from_slice(b"\\\""),
                '\\' => self.json.extend_from_slice(b"\\\\"),
                c if (c as u32) < 0x20 => self.json.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes()),
                c => {
                    let mut utf8 = [0; 4];
                    self.json.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
            }
        }
        self.json.push(b'"');
    }

    fn number(&mut self) -> Step {
        let number = self.number_text()?;
        self.json.extend_from_slice(number.as_bytes());
        Ok(())
    }

    /// A number as JSON writes it; Node's BigInt `12n` loses its `n`.
    fn number_text(&mut self) -> Step<String> {
        let start = self.pos;
        while matches!(self.peek()?, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            self.pos += 1;
        }
        let number = self.text.get(start..self.pos).unwrap_or_default();
        if self.form == LoggedForm::NodeInspect && self.peek()? == b'n' {
            self.pos += 1;
        } else if self.peek().is_ok_and(is_word) {
            // `1_000`, `inf`, `0x1f`: not a number JSON can hold.
            return Err(Stop::Not);
        }
        if !is_json_number(number) {
            return Err(Stop::Not);
        }
        Ok(String::from_utf8_lossy(number).into_owned())
    }
}

fn char_of(value: u32) -> char {
    char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Whether `text` is a number as JSON writes it: `-`, digits without a leading zero, a
/// fraction, an exponent.
fn is_json_number(text: &[u8]) -> bool {
    let digits = |text: &[u8]| text.iter().take_while(|b| b.is_ascii_digit()).count();
    let text = text.strip_prefix(b"-").unwrap_or(text);
    let whole = digits(text);
    if whole == 0 || (whole > 1 && text.first() == Some(&b'0')) {
        return false;
    }
    let mut rest = text.get(whole..).unwrap_or_default();
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = digits(fraction);
        if count == 0 {
            return false;
        }
        rest = fraction.get(count..).unwrap_or_default();
    }
    if let Some(exponent) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exponent = exponent.strip_prefix(b"+").or_else(|| exponent.strip_prefix(b"-")).unwrap_or(exponent);
        let count = digits(exponent);
        return count > 0 && count == exponent.len();
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn translated(text: &str) -> Option<(LoggedForm, String, Vec<String>)> {
        match read(text.as_bytes(), 0) {
            Reading::Read(logged) => {
                assert_eq!(logged.end, text.len(), "{text}");
                let json = String::from_utf8(logged.json).ok()?;
                Some((logged.form, json, logged.elisions.into_iter().map(|e| e.printed).collect()))
            }
            _ => None,
        }
    }

    #[test]
    fn python_dicts() {
        let (form, json, _) = translated(
            r#"{'customerId': '67460a', 'faceMatch': True, 'x': None, 'n': -0.5, 'e': 1e-05, 'q': "it's", 't': (1,), 'u': '\xe9\u00e9\n'}"#,
        )
        .unwrap_or((LoggedForm::RubyInspect, String::new(), Vec::new()));
        assert_eq!(form, LoggedForm::PythonDict);
        assert_eq!(
            json,
            r#"{"customerId":"67460a","faceMatch":true,"x":null,"n":-0.5,"e":1e-05,"q":"it's","t":[1],"u":"éé\u000a"}"#
        );
    }

    #[test]
    fn node_objects_on_one_line_and_many() {
        let one =
            "{ customerId: '67460a', 'content-type': `a'b\"c`, nested: { deep: [Object] }, list: [Array], big: 12n }";
        let (form, json, elided) = translated(one).unwrap_or((LoggedForm::RubyInspect, String::new(), Vec::new()));
        assert_eq!(form, LoggedForm::NodeInspect);
        assert_eq!(
            json,
            r#"{"customerId":"67460a","content-type":"a'b\"c","nested":{"deep":null},"list":null,"big":12}"#
        );
        assert_eq!(elided, ["[Object]", "[Array]"]);
        let many = "{\n  faceMatch: false,\n  candidates: [\n    1, 2,\n    ... 98 more items\n  ],\n  s: 'abc'... 10 more characters\n}";
        let (_, json, elided) = translated(many).unwrap_or((LoggedForm::RubyInspect, String::new(), Vec::new()));
        assert_eq!(json, r#"{"faceMatch":false,"candidates":[1,2],"s":"abc"}"#);
        assert_eq!(elided, ["... 98 more items", "... 10 more characters"]);
    }

    #[test]
    fn ruby_hashes_in_both_spacings() {
        let old = r#"{"customerId"=>"67460a", "faceMatch"=>true, "x"=>nil, "s"=>"a\"b\e", "h"=>{...}}"#;
        let (form, json, elided) = translated(old).unwrap_or((LoggedForm::PythonDict, String::new(), Vec::new()));
        assert_eq!(form, LoggedForm::RubyInspect);
        assert_eq!(json, r#"{"customerId":"67460a","faceMatch":true,"x":null,"s":"a\"b\u001b","h":null}"#);
        assert_eq!(elided, ["{...}"]);
        let new = r#"{"customerId" => "67460a", "n" => 1.0e-05}"#;
        assert_eq!(translated(new).map(|t| t.1).as_deref(), Some(r#"{"customerId":"67460a","n":1.0e-05}"#));
        assert_eq!(translated(r#"{:a=>1, b: 2}"#).map(|t| t.1).as_deref(), Some(r#"{"a":1,"b":2}"#));
    }

    #[test]
    fn strings_printed_in_parts_and_ruby_symbols() {
        let python = "{'m': 'Spoof attempt detected. Spoof '\n      'confidence 1.0', 'n': 1}";
        assert_eq!(
            translated(python).map(|t| t.1).as_deref(),
            Some(r#"{"m":"Spoof attempt detected. Spoof confidence 1.0","n":1}"#)
        );
        let node = "{ m: 'a\\n' +\n    'b', n: 1 }";
        assert_eq!(translated(node).map(|t| t.1).as_deref(), Some(r#"{"m":"a\u000ab","n":1}"#));
        let ruby = r#"{"x"=>:sym, :"x-trace"=>"1", "f"=>#<ActionDispatch::Http::UploadedFile:0x00007f8>}"#;
        let (_, json, elided) = translated(ruby).unwrap_or((LoggedForm::PythonDict, String::new(), Vec::new()));
        assert_eq!(json, r#"{"x":"sym","x-trace":"1","f":null}"#);
        assert_eq!(elided, ["#<ActionDispatch::Http::UploadedFile:0x00007f8>"]);
    }

    #[test]
    fn every_prefix_of_a_printed_value_is_cut_not_refused() {
        let texts = [
            "{ a: [ {...}, [...], <...>, [Object], 'x'... 3 more characters, 1, ... 2 more items ], b: <ref *1> { c: 1n } }",
            "{'a': ('x' 'y', True, None, {...}), 'b': -1.5e-05}",
            r#"{"a"=>:sym, :"b-c"=>#<Foo:0x1>, d: nil, "e" => "é\e"}"#,
        ];
        for text in texts {
            assert!(matches!(read(text.as_bytes(), 0), Reading::Read(_)), "{text}");
            for cut in 1..text.len() {
                let Some(prefix) = text.get(..cut) else { continue };
                assert!(matches!(read(prefix.as_bytes(), 0), Reading::Cut { .. }), "{prefix:?}");
            }
        }
    }

    #[test]
    fn placeholders_are_read_in_linear_time() {
        let many = format!("{{ a: [ {}[Object] ] }}", "[Object], ".repeat(50_000));
        let Reading::Read(logged) = read(many.as_bytes(), 0) else { panic!("not read") };
        assert_eq!(logged.elisions.len(), 50_001);
        let unclosed = "{ a: [ ... 98 more items, ".repeat(2_000);
        assert!(matches!(read(unclosed.as_bytes(), 0), Reading::Broken));
    }

    #[test]
    fn what_no_printer_writes_is_not_read() {
        for text in ["{name}", "{Name:foo Age:3}", "{'a': inf}", "{ a: b }", r#"{"a": 1,}"#, "{'a': 01}", "{'a' 1}"] {
            assert!(!matches!(read(text.as_bytes(), 0), Reading::Read(_)), "{text}");
        }
        assert!(matches!(read(b"{'a': 'cut", 0), Reading::Cut { opened: true }));
        assert!(matches!(read(b"{ a: [ 1,", 0), Reading::Cut { opened: true }));
    }

    #[test]
    fn openings() {
        assert_eq!(opening(b"'a'", true), Opening::Yes);
        assert_eq!(opening(b" customerId: 'x'", true), Opening::Yes);
        assert_eq!(opening(b"\n  faceMatch: true", true), Opening::Yes);
        assert_eq!(opening(b":a=>1", true), Opening::Yes);
        assert_eq!(opening(b"name}", true), Opening::No);
        assert_eq!(opening(b"Name:foo", true), Opening::No);
        assert_eq!(opening(b" customer", false), Opening::Undecided);
        assert_eq!(opening(b" customer", true), Opening::No);
    }

    #[test]
    fn offsets_map_back_to_the_input() {
        let text = "{ customerId: 'x', n: 1 }";
        let Reading::Read(logged) = read(text.as_bytes(), 0) else { panic!("not read") };
        let json = String::from_utf8_lossy(&logged.json).into_owned();
        let at = |needle: &str| json.find(needle).map(|i| logged.map.input_offset(i));
        assert_eq!(at("\"customerId\""), text.find("customerId"));
        assert_eq!(at("\"x\""), text.find("'x'"));
        assert_eq!(at("1}"), text.find("1 }"));
    }

    #[test]
    fn json_numbers() {
        for good in ["0", "-1", "1.5", "1e-05", "1.0e+20", "-0.0"] {
            assert!(is_json_number(good.as_bytes()), "{good}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "1-2"] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }
}
