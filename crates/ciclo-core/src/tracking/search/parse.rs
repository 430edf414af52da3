//! The parser of MLflow's `search_runs` filter and `order_by` strings, cross-checked against MLflow's
//! `mlflow/utils/search_utils.py` (`SearchUtils.parse_search_filter`, `parse_order_by_for_search_runs`).
//!
//! Grammar (keywords in any case, whitespace between tokens free):
//!
//! ```text
//! filter     := "" | comparison ("AND" comparison)*
//! comparison := identifier comparator value
//! identifier := entity "." key | attribute-key
//! entity     := metric(s) | param(s) | parameter(s) | tag(s) | attribute(s) | attr | run | dataset(s)
//!               (optionally in backquotes)
//! key        := `any text` | "any text" | bare characters: letters, digits, _ . - / :
//! comparator := = | != | < | <= | > | >= | LIKE | ILIKE | IN | NOT IN
//! value      := number | 'text' | "text" | ( 'text' , 'text' ... )
//! order_by   := identifier [ASC | DESC]
//! ```
//!
//! As in MLflow: there is no `OR` and no parentheses around clauses; an identifier without an entity is an
//! attribute; metrics take `= != < <= > >=` and a number; params and tags take `= != LIKE ILIKE` and a quoted
//! string; the string attributes (`run_id`, `run_name`, `status`) also take `IN` / `NOT IN` and a list;
//! the numeric attributes (`start_time`, `end_time`, alias `created`) take `= != < <= > >=` and an integer;
//! `datasets.name`, `datasets.digest` and `datasets.context` take the string comparators and lists. Quoted
//! strings have no escapes (MLflow strips the quotes and nothing else): use the other quote to include one.
//! Bare keys may contain `-`, `/` and `:`, which MLflow only takes in backquotes; there is no arithmetic, so
//! this is unambiguous.

use serde::{Deserialize, Serialize};

/// Which string an error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchInput {
    /// The filter.
    Filter,
    /// The `order_by` clause with this index.
    OrderBy(usize),
}

/// What is wrong with a filter or `order_by` string. The page words each kind in its own language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchErrorKind {
    /// The text ends where something else was expected.
    UnexpectedEnd { expected: Expected },
    /// A character that cannot start what was expected.
    Unexpected { found: char, expected: Expected },
    /// A quote (`'`, `"` or a backquote) without its closing pair.
    UnterminatedQuote { quote: char },
    /// An entity that is not one of metrics, params, tags, attributes, datasets.
    UnknownEntity { entity: String },
    /// An attribute MLflow does not search or sort by.
    UnknownAttribute { key: String },
    /// A dataset field other than `name`, `digest`, `context`.
    UnknownDatasetField { key: String },
    /// An empty key (`metrics.` or `` metrics.`` ``).
    EmptyKey,
    /// A comparator the entity does not take (`LIKE` on a metric, `<` on a param ...).
    ComparatorNotAllowed { comparator: String, entity: EntityKind },
    /// A word where a comparator was expected.
    UnknownComparator { found: String },
    /// A metric or numeric attribute compared with something other than a number.
    ExpectedNumber,
    /// A numeric attribute compared with a number that is not an integer.
    ExpectedInteger,
    /// A param, tag or string attribute compared with something other than a quoted string.
    ExpectedString,
    /// `IN` / `NOT IN` followed by something other than a list in parentheses.
    ExpectedList,
    /// An empty list `()`.
    EmptyList,
    /// `OR`, which MLflow's search does not have.
    OrNotSupported,
    /// Something other than `AND` between two comparisons.
    ExpectedAnd { found: String },
    /// A sort direction other than `ASC` or `DESC`.
    UnknownDirection { found: String },
    /// An entity that cannot be sorted by (datasets).
    NotSortable { entity: EntityKind },
}

/// What the parser expected where it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expected {
    /// An identifier such as `metrics.f1`.
    Identifier,
    /// A comparator such as `=` or `LIKE`.
    Comparator,
    /// A value: a number, a quoted string or a list.
    Value,
    /// `AND` or the end.
    AndOrEnd,
    /// `ASC`, `DESC` or the end.
    DirectionOrEnd,
}

/// The kinds of identifiers, to say which one refused a comparator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntityKind {
    /// `metrics.*`.
    Metric,
    /// `params.*`.
    Param,
    /// `tags.*`.
    Tag,
    /// `run_id`, `run_name`, `status`.
    StringAttribute,
    /// `start_time`, `end_time`.
    NumericAttribute,
    /// `datasets.*`.
    Dataset,
}

/// A filter or `order_by` string that cannot be parsed: where (byte offset) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{} at byte {position}: {}", input_name(*input), kind_text(kind))]
pub struct SearchError {
    /// Which string.
    pub input: SearchInput,
    /// Byte offset in that string.
    pub position: usize,
    /// What is wrong.
    pub kind: SearchErrorKind,
}

fn input_name(input: SearchInput) -> String {
    match input {
        SearchInput::Filter => "filter".to_string(),
        SearchInput::OrderBy(index) => format!("order_by clause {}", index + 1),
    }
}

fn expected_text(expected: Expected) -> &'static str {
    match expected {
        Expected::Identifier => "an identifier such as `metrics.f1` or `params.model`",
        Expected::Comparator => "a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)",
        Expected::Value => "a number, a quoted string or a list in parentheses",
        Expected::AndOrEnd => "AND or the end of the filter",
        Expected::DirectionOrEnd => "ASC, DESC or the end",
    }
}

fn entity_text(entity: EntityKind) -> &'static str {
    match entity {
        EntityKind::Metric => "metrics",
        EntityKind::Param => "params",
        EntityKind::Tag => "tags",
        EntityKind::StringAttribute => "this attribute",
        EntityKind::NumericAttribute => "this numeric attribute",
        EntityKind::Dataset => "datasets",
    }
}

fn kind_text(kind: &SearchErrorKind) -> String {
    match kind {
        SearchErrorKind::UnexpectedEnd { expected } => {
            format!("the text ends; expected {}", expected_text(*expected))
        }
        SearchErrorKind::Unexpected { found, expected } => {
            format!("found `{found}`; expected {}", expected_text(*expected))
        }
        SearchErrorKind::UnterminatedQuote { quote } => format!("the quote {quote} is not closed"),
        SearchErrorKind::UnknownEntity { entity } => {
            format!("`{entity}` is not metrics, params, tags, attributes or datasets")
        }
        SearchErrorKind::UnknownAttribute { key } => {
            format!("`{key}` is not a run attribute (run_id, run_name, status, start_time, end_time)")
        }
        SearchErrorKind::UnknownDatasetField { key } => {
            format!("`{key}` is not a dataset field (name, digest, context)")
        }
        SearchErrorKind::EmptyKey => "the key is empty".to_string(),
        SearchErrorKind::ComparatorNotAllowed { comparator, entity } => {
            format!("{} cannot be compared with {comparator}", entity_text(*entity))
        }
        SearchErrorKind::UnknownComparator { found } => {
            format!("`{found}` is not a comparator; expected {}", expected_text(Expected::Comparator))
        }
        SearchErrorKind::ExpectedNumber => "expected a number".to_string(),
        SearchErrorKind::ExpectedInteger => "expected a whole number (milliseconds)".to_string(),
        SearchErrorKind::ExpectedString => "expected a quoted string such as 'random_forest'".to_string(),
        SearchErrorKind::ExpectedList => "expected a list such as ('FINISHED', 'KILLED')".to_string(),
        SearchErrorKind::EmptyList => "the list is empty".to_string(),
        SearchErrorKind::OrNotSupported => "OR is not supported: combine conditions with AND".to_string(),
        SearchErrorKind::ExpectedAnd { found } => format!("found `{found}`; expected AND or the end"),
        SearchErrorKind::UnknownDirection { found } => format!("`{found}` is not ASC or DESC"),
        SearchErrorKind::NotSortable { entity } => {
            format!("runs cannot be sorted by {}", entity_text(*entity))
        }
    }
}

/// A run attribute that search and `order_by` know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attribute {
    /// `run_id`.
    RunId,
    /// `run_name` (aliases `run name`, `Run name`, `Run Name`).
    RunName,
    /// `status`.
    Status,
    /// `start_time` (aliases `created`, `Created`).
    StartTime,
    /// `end_time`.
    EndTime,
}

impl Attribute {
    fn parse(key: &str) -> Option<Attribute> {
        match key {
            "run_id" => Some(Attribute::RunId),
            "run_name" | "run name" | "Run name" | "Run Name" => Some(Attribute::RunName),
            "status" => Some(Attribute::Status),
            "start_time" | "created" | "Created" => Some(Attribute::StartTime),
            "end_time" => Some(Attribute::EndTime),
            _ => None,
        }
    }

    fn is_numeric(self) -> bool {
        matches!(self, Attribute::StartTime | Attribute::EndTime)
    }
}

/// A dataset field that search knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatasetField {
    /// `datasets.name`.
    Name,
    /// `datasets.digest`.
    Digest,
    /// `datasets.context`.
    Context,
}

/// What a comparison reads from a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    /// A metric's latest value.
    Metric(String),
    /// A parameter.
    Param(String),
    /// A tag.
    Tag(String),
    /// An attribute.
    Attribute(Attribute),
    /// A field of any of the run's dataset inputs.
    Dataset(DatasetField),
}

/// A numeric comparator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumOp {
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

/// The test a comparison applies to the subject's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Test {
    /// A number comparison (metrics).
    Number(NumOp, f64),
    /// An integer comparison (numeric attributes).
    Integer(NumOp, i64),
    /// `=` with a string.
    Equals(String),
    /// `!=` with a string.
    NotEquals(String),
    /// `LIKE` (case-sensitive) with a pattern: `%` any text, `_` one character.
    Like(String),
    /// `ILIKE` with a pattern, stored in lower case.
    ILike(String),
    /// `IN` a list.
    In(Vec<String>),
    /// `NOT IN` a list.
    NotIn(Vec<String>),
}

/// One comparison of a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// What it reads.
    pub subject: Subject,
    /// What it checks.
    pub test: Test,
}

/// A parsed filter: comparisons that must all hold (an empty filter matches every run).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// The comparisons, joined by AND.
    pub comparisons: Vec<Comparison>,
}

/// A parsed `order_by` clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBy {
    /// What to sort by (never a dataset).
    pub subject: Subject,
    /// Ascending (the default, as in MLflow) or descending.
    pub ascending: bool,
}

impl Filter {
    /// Parses a filter string.
    pub fn parse(text: &str) -> Result<Filter, SearchError> {
        let mut parser = Parser { text, pos: 0, input: SearchInput::Filter };
        parser.filter()
    }
}

impl OrderBy {
    /// Parses one `order_by` clause; `index` is its place in the list, for errors.
    pub fn parse(text: &str, index: usize) -> Result<OrderBy, SearchError> {
        let mut parser = Parser { text, pos: 0, input: SearchInput::OrderBy(index) };
        parser.order_by()
    }
}

/// A comparator as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparator {
    Num(NumOp),
    Like,
    ILike,
    In,
    NotIn,
}

impl Comparator {
    fn text(self) -> &'static str {
        match self {
            Comparator::Num(NumOp::Eq) => "=",
            Comparator::Num(NumOp::Ne) => "!=",
            Comparator::Num(NumOp::Lt) => "<",
            Comparator::Num(NumOp::Le) => "<=",
            Comparator::Num(NumOp::Gt) => ">",
            Comparator::Num(NumOp::Ge) => ">=",
            Comparator::Like => "LIKE",
            Comparator::ILike => "ILIKE",
            Comparator::In => "IN",
            Comparator::NotIn => "NOT IN",
        }
    }
}

/// A value as written.
enum Value {
    Number {
        text: String,
    },
    Text(String),
    List(Vec<String>),
    /// Anything else (a bare word, a malformed number): the comparison says what it wanted instead.
    Other,
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    input: SearchInput,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_bare_key(c: char) -> bool {
    is_word(c) || matches!(c, '.' | '-' | '/' | ':')
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn error(&self, position: usize, kind: SearchErrorKind) -> SearchError {
        SearchError { input: self.input, position, kind }
    }

    /// The error for what stands at the current position when `expected` was wanted.
    fn unexpected(&self, expected: Expected) -> SearchError {
        match self.peek() {
            None => self.error(self.pos, SearchErrorKind::UnexpectedEnd { expected }),
            Some(found) => self.error(self.pos, SearchErrorKind::Unexpected { found, expected }),
        }
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Takes the longest run of characters matching `accept`.
    fn take_while(&mut self, mut accept: impl FnMut(char) -> bool) -> &'a str {
        let rest = self.rest();
        let end = rest.char_indices().find(|&(_, c)| !accept(c)).map_or(rest.len(), |(i, _)| i);
        self.pos += end;
        rest.get(..end).unwrap_or("")
    }

    /// Takes the text between `quote` and its closing pair, the opening quote being at the current position.
    fn quoted(&mut self, quote: char) -> Result<&'a str, SearchError> {
        let start = self.pos;
        let inner = self.text.get(start + quote.len_utf8()..).unwrap_or("");
        match inner.find(quote) {
            Some(end) => {
                self.pos = start + quote.len_utf8() + end + quote.len_utf8();
                Ok(inner.get(..end).unwrap_or(""))
            }
            None => Err(self.error(start, SearchErrorKind::UnterminatedQuote { quote })),
        }
    }

    fn filter(&mut self) -> Result<Filter, SearchError> {
        let mut comparisons = Vec::new();
        self.skip_whitespace();
        if self.peek().is_none() {
            return Ok(Filter { comparisons });
        }
        loop {
            comparisons.push(self.comparison()?);
            self.skip_whitespace();
            if self.peek().is_none() {
                return Ok(Filter { comparisons });
            }
            let start = self.pos;
            let word = self.take_while(is_word);
            if word.eq_ignore_ascii_case("and") {
                self.skip_whitespace();
                continue;
            }
            if word.eq_ignore_ascii_case("or") {
                return Err(self.error(start, SearchErrorKind::OrNotSupported));
            }
            if word.is_empty() {
                self.pos = start;
                return Err(self.unexpected(Expected::AndOrEnd));
            }
            return Err(self.error(start, SearchErrorKind::ExpectedAnd { found: word.to_string() }));
        }
    }

    fn order_by(&mut self) -> Result<OrderBy, SearchError> {
        self.skip_whitespace();
        let start = self.pos;
        let subject = self.identifier()?;
        if matches!(subject, Subject::Dataset(_)) {
            return Err(self.error(start, SearchErrorKind::NotSortable { entity: EntityKind::Dataset }));
        }
        self.skip_whitespace();
        let mut ascending = true;
        if self.peek().is_some() {
            let at = self.pos;
            let word = self.take_while(is_word);
            if word.eq_ignore_ascii_case("asc") {
                ascending = true;
            } else if word.eq_ignore_ascii_case("desc") {
                ascending = false;
            } else if word.is_empty() {
                return Err(self.unexpected(Expected::DirectionOrEnd));
            } else {
                return Err(self.error(at, SearchErrorKind::UnknownDirection { found: word.to_string() }));
            }
            self.skip_whitespace();
            if self.peek().is_some() {
                return Err(self.unexpected(Expected::DirectionOrEnd));
            }
        }
        Ok(OrderBy { subject, ascending })
    }

    fn comparison(&mut self) -> Result<Comparison, SearchError> {
        let subject = self.identifier()?;
        self.skip_whitespace();
        let comparator_at = self.pos;
        let comparator = self.comparator()?;
        let entity = entity_kind(&subject);
        let allowed = match entity {
            EntityKind::Metric | EntityKind::NumericAttribute => matches!(comparator, Comparator::Num(_)),
            EntityKind::Param | EntityKind::Tag => matches!(
                comparator,
                Comparator::Num(NumOp::Eq)
                    | Comparator::Num(NumOp::Ne)
                    | Comparator::Like
                    | Comparator::ILike
            ),
            EntityKind::StringAttribute | EntityKind::Dataset => {
                !matches!(comparator, Comparator::Num(NumOp::Lt | NumOp::Le | NumOp::Gt | NumOp::Ge))
            }
        };
        if !allowed {
            return Err(self.error(
                comparator_at,
                SearchErrorKind::ComparatorNotAllowed { comparator: comparator.text().to_string(), entity },
            ));
        }
        self.skip_whitespace();
        let value_at = self.pos;
        let value = self.value()?;
        let test = match (entity, comparator, value) {
            (EntityKind::Metric, Comparator::Num(op), Value::Number { text }) => {
                let number =
                    text.parse::<f64>().map_err(|_| self.error(value_at, SearchErrorKind::ExpectedNumber))?;
                Test::Number(op, number)
            }
            (EntityKind::NumericAttribute, Comparator::Num(op), Value::Number { text }) => {
                let integer = text
                    .parse::<i64>()
                    .map_err(|_| self.error(value_at, SearchErrorKind::ExpectedInteger))?;
                Test::Integer(op, integer)
            }
            (EntityKind::Metric | EntityKind::NumericAttribute, _, _) => {
                return Err(self.error(value_at, SearchErrorKind::ExpectedNumber))
            }
            (_, Comparator::In | Comparator::NotIn, Value::List(list)) => {
                if comparator == Comparator::In {
                    Test::In(list)
                } else {
                    Test::NotIn(list)
                }
            }
            (_, Comparator::In | Comparator::NotIn, _) => {
                return Err(self.error(value_at, SearchErrorKind::ExpectedList))
            }
            (_, _, Value::Text(text)) => match comparator {
                Comparator::Num(NumOp::Ne) => Test::NotEquals(text),
                Comparator::Like => Test::Like(text),
                Comparator::ILike => Test::ILike(text.to_lowercase()),
                _ => Test::Equals(text),
            },
            (_, _, _) => return Err(self.error(value_at, SearchErrorKind::ExpectedString)),
        };
        Ok(Comparison { subject, test })
    }

    fn identifier(&mut self) -> Result<Subject, SearchError> {
        let start = self.pos;
        let first = match self.peek() {
            Some('`') => self.quoted('`')?,
            Some(c) if is_word(c) => self.take_while(is_word),
            _ => return Err(self.unexpected(Expected::Identifier)),
        };
        if self.peek() != Some('.') {
            let attribute = Attribute::parse(first).ok_or_else(|| {
                self.error(start, SearchErrorKind::UnknownAttribute { key: first.to_string() })
            })?;
            return Ok(Subject::Attribute(attribute));
        }
        self.pos += 1;
        let key_at = self.pos;
        let key = match self.peek() {
            Some(quote @ ('`' | '"' | '\'')) => self.quoted(quote)?,
            _ => self.take_while(is_bare_key),
        };
        if key.is_empty() {
            return Err(self.error(key_at, SearchErrorKind::EmptyKey));
        }
        let key_error = |kind| SearchError { input: self.input, position: key_at, kind };
        match first {
            "metric" | "metrics" => Ok(Subject::Metric(key.to_string())),
            "param" | "params" | "parameter" | "parameters" => Ok(Subject::Param(key.to_string())),
            "tag" | "tags" => Ok(Subject::Tag(key.to_string())),
            "attribute" | "attributes" | "attr" | "run" => Attribute::parse(key)
                .map(Subject::Attribute)
                .ok_or_else(|| key_error(SearchErrorKind::UnknownAttribute { key: key.to_string() })),
            "dataset" | "datasets" => match key {
                "name" => Ok(Subject::Dataset(DatasetField::Name)),
                "digest" => Ok(Subject::Dataset(DatasetField::Digest)),
                "context" => Ok(Subject::Dataset(DatasetField::Context)),
                _ => Err(key_error(SearchErrorKind::UnknownDatasetField { key: key.to_string() })),
            },
            _ => Err(self.error(start, SearchErrorKind::UnknownEntity { entity: first.to_string() })),
        }
    }

    fn comparator(&mut self) -> Result<Comparator, SearchError> {
        let rest = self.rest();
        for (symbol, op) in [
            ("!=", NumOp::Ne),
            ("<=", NumOp::Le),
            (">=", NumOp::Ge),
            ("=", NumOp::Eq),
            ("<", NumOp::Lt),
            (">", NumOp::Gt),
        ] {
            if rest.starts_with(symbol) {
                self.pos += symbol.len();
                return Ok(Comparator::Num(op));
            }
        }
        let start = self.pos;
        let word = self.take_while(is_word);
        if word.is_empty() {
            return Err(self.unexpected(Expected::Comparator));
        }
        match word.to_ascii_uppercase().as_str() {
            "LIKE" => Ok(Comparator::Like),
            "ILIKE" => Ok(Comparator::ILike),
            "IN" => Ok(Comparator::In),
            "NOT" => {
                self.skip_whitespace();
                let in_at = self.pos;
                let next = self.take_while(is_word);
                if next.eq_ignore_ascii_case("in") {
                    Ok(Comparator::NotIn)
                } else if next.is_empty() {
                    Err(self.unexpected(Expected::Comparator))
                } else {
                    Err(self
                        .error(in_at, SearchErrorKind::UnknownComparator { found: format!("NOT {next}") }))
                }
            }
            _ => Err(self.error(start, SearchErrorKind::UnknownComparator { found: word.to_string() })),
        }
    }

    fn value(&mut self) -> Result<Value, SearchError> {
        match self.peek() {
            Some(quote @ ('\'' | '"')) => Ok(Value::Text(self.quoted(quote)?.to_string())),
            Some('(') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_whitespace();
                    match self.peek() {
                        Some(')') if items.is_empty() => {
                            return Err(self.error(self.pos, SearchErrorKind::EmptyList));
                        }
                        Some(quote @ ('\'' | '"')) => items.push(self.quoted(quote)?.to_string()),
                        None => return Err(self.unexpected(Expected::Value)),
                        Some(_) => return Err(self.error(self.pos, SearchErrorKind::ExpectedString)),
                    }
                    self.skip_whitespace();
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some(')') => {
                            self.pos += 1;
                            return Ok(Value::List(items));
                        }
                        _ => return Err(self.error(self.pos, SearchErrorKind::ExpectedList)),
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || matches!(c, '-' | '+' | '.') => {
                let start = self.pos;
                if matches!(c, '-' | '+') {
                    self.pos += 1;
                }
                let mut previous = ' ';
                let body = self.take_while(|c| {
                    let accept = c.is_ascii_alphanumeric()
                        || c == '.'
                        || (matches!(c, '-' | '+') && matches!(previous, 'e' | 'E'));
                    previous = c;
                    accept
                });
                let text = self.text.get(start..self.pos).unwrap_or("");
                let is_number = body.chars().any(|c| c.is_ascii_digit())
                    && body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
                    && text.parse::<f64>().is_ok_and(f64::is_finite);
                if !is_number {
                    self.pos = start;
                    return Ok(Value::Other);
                }
                Ok(Value::Number { text: text.trim_start_matches('+').to_string() })
            }
            // A bare word: MLflow wants strings quoted; the comparison says which kind of value it wanted.
            Some(_) => Ok(Value::Other),
            None => Err(self.unexpected(Expected::Value)),
        }
    }
}

fn entity_kind(subject: &Subject) -> EntityKind {
    match subject {
        Subject::Metric(_) => EntityKind::Metric,
        Subject::Param(_) => EntityKind::Param,
        Subject::Tag(_) => EntityKind::Tag,
        Subject::Attribute(attribute) if attribute.is_numeric() => EntityKind::NumericAttribute,
        Subject::Attribute(_) => EntityKind::StringAttribute,
        Subject::Dataset(_) => EntityKind::Dataset,
    }
}
