//! What the XML readers (KML, GPX) share: a small element tree for one record at a time,
//! line numbers counted once through the file, and start tags turned into elements.

use quick_xml::events::BytesStart;

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
