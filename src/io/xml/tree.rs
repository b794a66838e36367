//! What the XML readers (KML, GPX) share: a small element tree for one record at a time,
//! line numbers counted once through the file, start tags turned into elements, and the
//! reading of events with their errors placed (line, column).

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// An XML element as a small tree: what the KML and GPX readers keep of one record.
#[derive(Debug, Default)]
pub(crate) struct Element {
    /// Local name (namespace prefix dropped): `Placemark`, `coordinates`, `Track`…
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// Text and CDATA inside this element (for a `description`, of every element inside it).
    pub text: String,
    /// 1-based line of the start tag.
    pub line: usize,
}

impl Element {
    pub(super) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(super) fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

/// Line numbers of byte offsets met in increasing order, counted once (linear in the file).
pub(crate) struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
        }
    }

    pub(super) fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let bytes = &self.text.as_bytes()[self.offset..offset];
        self.line += bytes.iter().filter(|&&b| b == b'\n').count();
        self.offset = offset;
        self.line
    }
}

/// 1-based line and column of a byte offset (for errors: counted from the start).
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    // The reader's positions need not fall on a character boundary (a byte order mark is
    // skipped, for one): step back to one.
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub(crate) fn local(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

pub(crate) fn element_of(start: &BytesStart<'_>, line: usize) -> Element {
    let attrs = start
        .attributes()
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (key, value)
        })
        .collect();
    Element {
        name: local(start),
        attrs,
        line,
        ..Element::default()
    }
}

/// A reading error: its line, column and message.
pub(crate) type XmlError = (usize, usize, String);

/// `message` at the line and column of byte `offset` of `text`.
pub(crate) fn placed(text: &str, offset: usize, message: String) -> XmlError {
    let (line, column) = line_col(text, offset);
    (line, column, message)
}

/// The next event of `text` and the byte offset it starts at; an XML error placed where the
/// reader found it.
pub(crate) fn next_event<'t>(
    reader: &mut Reader<&'t [u8]>,
    text: &str,
) -> Result<(usize, Event<'t>), XmlError> {
    let offset = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
    let event = reader.read_event().map_err(|e| {
        let at = usize::try_from(reader.error_position()).unwrap_or(offset);
        placed(text, at, format!("XML error: {e}"))
    })?;
    Ok((offset, event))
}

/// The text a text, CDATA or entity reference event stands for (an entity XML does not define
/// is kept as written); `None` for any other event.
pub(crate) fn event_text<'e>(
    event: &Event<'e>,
    text: &str,
    offset: usize,
) -> Result<Option<Cow<'e, str>>, XmlError> {
    Ok(Some(match event {
        Event::Text(t) => t
            .xml_content(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| placed(text, offset, format!("text is not valid: {e}")))?,
        Event::CData(t) => t
            .decode()
            .map_err(|e| placed(text, offset, format!("CDATA is not valid: {e}")))?,
        Event::GeneralRef(r) => Cow::Owned(match r.resolve_char_ref() {
            Ok(Some(c)) => c.to_string(),
            _ => {
                let entity = r.decode().unwrap_or_default();
                quick_xml::escape::resolve_predefined_entity(&entity)
                    .map_or_else(|| format!("&{entity};"), str::to_owned)
            }
        }),
        _ => return Ok(None),
    }))
}

/// At the end of the file: every element closed, and at least one read.
pub(crate) fn check_end(text: &str, depth: usize, seen_root: bool) -> Result<(), XmlError> {
    if depth != 0 {
        return Err(placed(
            text,
            text.len(),
            "the file ends inside an element (truncated?)".into(),
        ));
    }
    if !seen_root {
        return Err((1, 1, "the file holds no XML element".into()));
    }
    Ok(())
}
