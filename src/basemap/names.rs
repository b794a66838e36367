//! The English names of Cambodia's provinces, keyed by ISO 3166-2 code.
//!
//! Natural Earth romanises province names (`Kâmpóng Spœ`, `Takêv`, `Pouthisat`); people write
//! these. The list is the one in `maps/README.md`. Natural Earth still has 24 provinces:
//! Tboung Khmum (KH-25, split from Kampong Cham in 2013) lies inside KH-3 in this data, so a point
//! in Tboung Khmum is reported as Kampong Cham.

/// `(iso_3166_2, English name)` for the 24 provinces in the embedded data.
pub const CAMBODIAN_PROVINCES: [(&str, &str); 24] = [
    ("KH-1", "Banteay Meanchey"),
    ("KH-2", "Battambang"),
    ("KH-3", "Kampong Cham"),
    ("KH-4", "Kampong Chhnang"),
    ("KH-5", "Kampong Speu"),
    ("KH-6", "Kampong Thom"),
    ("KH-7", "Kampot"),
    ("KH-8", "Kandal"),
    ("KH-9", "Koh Kong"),
    ("KH-10", "Kratie"),
    ("KH-11", "Mondulkiri"),
    ("KH-12", "Phnom Penh"),
    ("KH-13", "Preah Vihear"),
    ("KH-14", "Prey Veng"),
    ("KH-15", "Pursat"),
    ("KH-16", "Ratanakiri"),
    ("KH-17", "Siem Reap"),
    ("KH-18", "Preah Sihanouk"),
    ("KH-19", "Stung Treng"),
    ("KH-20", "Svay Rieng"),
    ("KH-21", "Takeo"),
    ("KH-22", "Oddar Meanchey"),
    ("KH-23", "Kep"),
    ("KH-24", "Pailin"),
];

/// The English name of a Cambodian province from its ISO 3166-2 code (`"KH-12"` → Phnom Penh).
pub fn english_province_name(iso_3166_2: &str) -> Option<&'static str> {
    CAMBODIAN_PROVINCES
        .iter()
        .find(|(code, _)| *code == iso_3166_2)
        .map(|(_, name)| *name)
}
