//! XYZ tile URL templates, as typed by users and as the well-known servers publish them:
//! `https://tile.example.org/{z}/{x}/{y}.png`.
//!
//! Placeholders: `{z}` zoom, `{x}` column, `{y}` row from the north (XYZ), `{-y}` row from the
//! south (TMS), `{s}` a subdomain (`a`, `b` or `c`, chosen by the tile so the same tile always
//! comes from the same host and caches well). Anything else in braces is rejected, so a typo such
//! as `{zoom}` is reported instead of silently requesting wrong URLs.

use super::TileKey;

/// Why a typed template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("a tile URL must start with http:// or https://")]
    NotHttp,
    #[error("the tile URL has no {0} placeholder (it needs {{z}}, {{x}} and {{y}} or {{-y}})")]
    Missing(&'static str),
    #[error("unknown placeholder {{{0}}} (use {{z}}, {{x}}, {{y}}, {{-y}} or {{s}})")]
    Unknown(String),
    #[error("an opening brace without a closing one")]
    Unclosed,
    #[error("the tile URL has no host name")]
    NoHost,
}

/// A checked tile URL template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Z,
    X,
    Y,
    TmsY,
    Subdomain,
}

const SUBDOMAINS: [&str; 3] = ["a", "b", "c"];

impl UrlTemplate {
    /// Check a template. Surrounding white space is ignored.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or(TemplateError::NotHttp)?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(TemplateError::NoHost);
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '{' {
                literal.push(c);
                continue;
            }
            let close = text[i..].find('}').ok_or(TemplateError::Unclosed)?;
            let name = &text[i + 1..i + close];
            let part = match name {
                "z" => Part::Z,
                "x" => Part::X,
                "y" => Part::Y,
                "-y" => Part::TmsY,
                "s" => Part::Subdomain,
                other => return Err(TemplateError::Unknown(other.to_owned())),
            };
            if !literal.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut literal)));
            }
            parts.push(part);
            // Skip the placeholder's remaining characters.
            for _ in 0..close {
                chars.next();
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Text(literal));
        }
        if !parts.contains(&Part::Z) {
            return Err(TemplateError::Missing("{z}"));
        }
        if !parts.contains(&Part::X) {
            return Err(TemplateError::Missing("{x}"));
        }
        if !parts.contains(&Part::Y) && !parts.contains(&Part::TmsY) {
            return Err(TemplateError::Missing("{y}"));
        }
        Ok(Self {
            text: text.to_owned(),
            parts,
        })
    }

    /// The template as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The URL of one tile.
    pub fn url(&self, key: TileKey) -> String {
        let mut url = String::with_capacity(self.text.len() + 16);
        for part in &self.parts {
            match part {
                Part::Text(t) => url.push_str(t),
                Part::Z => url.push_str(&key.z.to_string()),
                Part::X => url.push_str(&key.x.to_string()),
                Part::Y => url.push_str(&key.y.to_string()),
                Part::TmsY => url.push_str(&key.tms_y().to_string()),
                Part::Subdomain => {
                    let i = (u64::from(key.x) + u64::from(key.y)) % SUBDOMAINS.len() as u64;
                    url.push_str(SUBDOMAINS[i as usize]);
                }
            }
        }
        url
    }

    /// The host the tiles come from, for messages ("cannot reach tile.openstreetmap.org").
    /// With `{s}` it shows the placeholder (`{s}.tile.opentopomap.org`).
    pub fn host(&self) -> &str {
        let rest = self
            .text
            .strip_prefix("https://")
            .or_else(|| self.text.strip_prefix("http://"))
            .unwrap_or(&self.text);
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        // Drop user information, if any, so no password is ever shown.
        let host = &rest[..end];
        host.rsplit_once('@').map_or(host, |(_, h)| h)
    }
}

impl std::fmt::Display for UrlTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(template: &str, z: u8, x: u32, y: u32) -> String {
        UrlTemplate::parse(template)
            .expect("a valid template")
            .url(TileKey::new(z, x, y))
    }

    #[test]
    fn placeholders_are_replaced_by_the_tile_numbers() {
        assert_eq!(
            url("https://tile.openstreetmap.org/{z}/{x}/{y}.png", 7, 101, 60),
            "https://tile.openstreetmap.org/7/101/60.png"
        );
        // Esri's order is z/y/x.
        assert_eq!(
            url(
                "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                12,
                3204,
                1915
            ),
            "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/12/1915/3204"
        );
    }

    #[test]
    fn minus_y_counts_rows_from_the_south() {
        assert_eq!(
            url("http://h/{z}/{x}/{-y}.png", 3, 5, 1),
            "http://h/3/5/6.png"
        );
        assert_eq!(
            url("http://h/{z}/{x}/{-y}.png", 0, 0, 0),
            "http://h/0/0/0.png"
        );
    }

    #[test]
    fn subdomains_rotate_with_the_tile_and_stay_the_same_for_a_tile() {
        let t = "https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png";
        assert_eq!(url(t, 9, 0, 0), "https://a.tile.opentopomap.org/9/0/0.png");
        assert_eq!(url(t, 9, 1, 0), "https://b.tile.opentopomap.org/9/1/0.png");
        assert_eq!(url(t, 9, 1, 1), "https://c.tile.opentopomap.org/9/1/1.png");
        assert_eq!(url(t, 9, 1, 1), url(t, 9, 1, 1));
    }

    #[test]
    fn a_template_without_all_placeholders_is_refused_with_the_missing_one_named() {
        assert_eq!(
            UrlTemplate::parse("https://h/{x}/{y}.png"),
            Err(TemplateError::Missing("{z}"))
        );
        assert_eq!(
            UrlTemplate::parse("https://h/{z}/{y}.png"),
            Err(TemplateError::Missing("{x}"))
        );
        assert_eq!(
            UrlTemplate::parse("https://h/{z}/{x}.png"),
            Err(TemplateError::Missing("{y}"))
        );
        assert_eq!(
            UrlTemplate::parse("https://h/{zoom}/{x}/{y}.png"),
            Err(TemplateError::Unknown("zoom".into()))
        );
        assert_eq!(
            UrlTemplate::parse("https://h/{z}/{x}/{y.png"),
            Err(TemplateError::Unclosed)
        );
        assert_eq!(
            UrlTemplate::parse("ftp://h/{z}/{x}/{y}.png"),
            Err(TemplateError::NotHttp)
        );
        assert_eq!(
            UrlTemplate::parse("https:///{z}/{x}/{y}.png"),
            Err(TemplateError::NoHost)
        );
    }

    #[test]
    fn the_host_is_shown_without_credentials() {
        let t =
            UrlTemplate::parse("https://user:secret@tiles.example.org:8080/{z}/{x}/{y}.png?key=1")
                .expect("valid");
        assert_eq!(t.host(), "tiles.example.org:8080");
        let t = UrlTemplate::parse("  http://127.0.0.1:9/{z}/{x}/{-y}.png ").expect("valid");
        assert_eq!(t.host(), "127.0.0.1:9");
        assert_eq!(t.as_str(), "http://127.0.0.1:9/{z}/{x}/{-y}.png");
    }
}
