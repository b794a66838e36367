//! Which sources may be saved for offline use. Tile servers run by others have terms; the ones
//! raidmap knows forbid downloading areas for later use, so raidmap refuses them and says why
//! (the README lists each source and its terms). URLs the user typed, servers on this machine
//! and tile files are the user's own business and allowed — unless a typed URL points at one
//! of the refused services.

use super::super::{Source, UrlTemplate};

/// Why a source may not be saved for offline use, or `None` when it may.
pub fn refusal(source: &Source) -> Option<String> {
    match source {
        Source::Offline => {
            Some("the built-in basemap is already offline; there is nothing to download".into())
        }
        Source::OpenStreetMap => Some(OSM.into()),
        Source::Satellite | Source::Wayback(_) => Some(ESRI.into()),
        Source::OpenTopoMap => Some(TOPO.into()),
        Source::Xyz(template) => {
            let template = UrlTemplate::parse(template).ok()?;
            refused_host(&host_name(template.host()))
        }
        Source::MbTiles(_) | Source::PmTiles(_) => None,
    }
}

const OSM: &str = "OpenStreetMap's tile servers run on donated resources for interactive \
viewing; their tile usage policy forbids bulk downloading and saving areas for offline use \
(https://operations.osmfoundation.org/policies/tiles/). Save from a tile server that allows it, \
or make an MBTiles file from OpenStreetMap data with your own tools";

const ESRI: &str = "Esri's terms of use allow World Imagery (and its Wayback releases) offline \
only through ArcGIS's own export of tiles with an ArcGIS account, not by downloading tiles from \
the tile service (https://www.esri.com/legal/terms/full-master-agreement)";

const TOPO: &str = "OpenTopoMap's tile servers run on donations for interactive viewing and, \
as OpenStreetMap's, are not for downloading areas in bulk (https://opentopomap.org/about)";

/// A template's host without its port, in lower case.
pub(super) fn host_name(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
        _ => host,
    }
}

/// A typed URL on one of the refused services' hosts gets the service's refusal.
fn refused_host(host: &str) -> Option<String> {
    let on = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    if on("openstreetmap.org") || on("openstreetmap.fr") || on("openstreetmap.de") {
        Some(OSM.into())
    } else if on("arcgisonline.com") || on("arcgis.com") {
        Some(ESRI.into())
    } else if on("opentopomap.org") {
        Some(TOPO.into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_services_are_refused_with_their_reason() {
        let osm = refusal(&Source::OpenStreetMap).expect("refused");
        assert!(
            osm.contains("tile usage policy forbids bulk downloading"),
            "{osm}"
        );
        assert!(refusal(&Source::Satellite).is_some());
        assert!(refusal(&Source::OpenTopoMap).is_some());
        assert!(refusal(&Source::Offline).is_some());
        // Typing OSM's address does not get around the policy.
        let typed = Source::Xyz("https://tile.openstreetmap.org/{z}/{x}/{y}.png".into());
        assert_eq!(refusal(&typed), Some(OSM.into()));
        let typed = Source::Xyz("https://{s}.tile.opentopomap.org:443/{z}/{x}/{y}.png".into());
        assert_eq!(refusal(&typed), Some(TOPO.into()));
    }

    #[test]
    fn typed_urls_local_servers_and_files_are_allowed() {
        assert_eq!(
            refusal(&Source::Xyz("http://127.0.0.1:8080/{z}/{x}/{y}.png".into())),
            None
        );
        assert_eq!(
            refusal(&Source::Xyz(
                "https://tiles.example.org/{z}/{x}/{y}.png".into()
            )),
            None
        );
        // A look-alike host is not OSM's.
        assert_eq!(
            refusal(&Source::Xyz(
                "https://notopenstreetmap.org/{z}/{x}/{y}.png".into()
            )),
            None
        );
        assert_eq!(refusal(&Source::MbTiles("a.mbtiles".into())), None);
    }
}
