//! The credits of the tile sources drawn at once (a basemap and the one compared with it) put on
//! one line, the same in the window and in images: empty ones left out, a credit given twice
//! written once, and two dated releases of the same imagery credited once with both dates
//! ("… · releases 2014-02-20 and 2024-06-27"), so a small image's corner is not filled by the
//! same words twice.

/// What follows a dated release's credit before its date.
const RELEASE: &str = " · release ";

/// The credit of a dated release of imagery credited as `credit`.
pub fn release(credit: &str, date: &str) -> String {
    format!("{credit}{RELEASE}{date}")
}

/// `credits` on one line, separated by " | ", or `None` when there is none.
pub fn join<I, S>(credits: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    // Each distinct credit (without a release date) with the dates it was given with.
    let mut merged: Vec<(String, Vec<String>)> = Vec::new();
    for credit in credits {
        let credit = credit.as_ref().trim();
        if credit.is_empty() {
            continue;
        }
        let (base, date) = match credit.rsplit_once(RELEASE) {
            Some((base, date)) if !date.contains(" | ") => (base, Some(date)),
            _ => (credit, None),
        };
        let entry = match merged.iter_mut().find(|(b, _)| b == base) {
            Some(entry) => entry,
            None => {
                merged.push((base.to_owned(), Vec::new()));
                merged.last_mut().expect("just pushed")
            }
        };
        if let Some(date) = date
            && !entry.1.iter().any(|d| d == date)
        {
            entry.1.push(date.to_owned());
        }
    }
    let lines: Vec<String> = merged
        .into_iter()
        .map(|(base, dates)| match dates.as_slice() {
            [] => base,
            [one] => release(&base, one),
            [first @ .., last] => format!("{base} · releases {} and {last}", first.join(", ")),
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join(" | "))
}
