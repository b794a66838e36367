//! The web map (`raidmap publish`) in a real browser: Debian's Chromium, headless, opening the
//! file from disk. A script added to a copy of the page (the page itself unchanged) clicks a
//! site, moves the timeline sliders and reports what the page shows; Chromium's own network
//! log is read afterwards.
//!
//! Checked: every site is drawn where Web Mercator puts it for the map's centre and zoom
//! (computed here, not by Leaflet); a click opens a popup with the site's properties; a
//! window of one day hides the raids of other days and keeps the undated sites; the page
//! loaded no resource, broke no Content-Security-Policy rule, and the browser's network log
//! holds no request made for the page (by a `file://` document) other than for the file itself.
//!
//! Chromium's own services (component updates, network time, sign-in) try to reach Google even
//! with the flags below; they are fenced in so that nothing leaves the machine: every host
//! name resolves to "not found" and every other connection goes to a proxy on a closed
//! loopback port. Their attempts are in the log but are not the page's (their initiator is
//! not a document), and the check tells them apart, as the second test shows.
//!
//! Needs `chromium` (`.ci/run` installs it); the test fails, saying so, without it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::raidmap_headless as raidmap;

fn data(name: &str) -> String {
    format!("{}/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The script run in the page: it records CSP violations from the start, and after load
/// (and the timeline's first update) clicks and slides, then writes a JSON report into
/// `<pre id="rm-test-result">`.
const PROBE: &str = r#"<script>
(function () {
  var violations = [];
  document.addEventListener('securitypolicyviolation', function (e) {
    violations.push(e.blockedURI + ' ' + e.violatedDirective);
  });
  function markers() {
    var box = document.getElementById('map').getBoundingClientRect();
    return Array.prototype.map.call(document.querySelectorAll('.leaflet-marker-icon.rm-symbol'), function (e) {
      var r = e.getBoundingClientRect();
      return { name: e.title, x: r.left + r.width / 2 - box.left, y: r.top + r.height / 2 - box.top };
    });
  }
  function run() {
    var map = window.raidmap.map;
    var out = { size: map.getSize(), center: map.getCenter(), zoom: map.getZoom(), before: markers() };
    var site = Array.prototype.find.call(document.querySelectorAll('.rm-symbol'), function (e) {
      return e.title === 'Mango Park 2';
    });
    var r = site.getBoundingClientRect();
    var at = { bubbles: true, cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, view: window };
    site.dispatchEvent(new MouseEvent('mousedown', at));
    site.dispatchEvent(new MouseEvent('mouseup', at));
    site.dispatchEvent(new MouseEvent('click', at));
    var popup = document.querySelector('.leaflet-popup-content');
    out.popup = popup ? popup.textContent : null;
    var day = Date.UTC(2025, 6, 16) / 86400000;
    ['rm-from', 'rm-to'].forEach(function (id) {
      var input = document.getElementById(id);
      input.value = day;
      input.dispatchEvent(new Event('input'));
    });
    out.after = markers().map(function (m) { return m.name; });
    out.resources = performance.getEntriesByType('resource').map(function (e) { return e.name; });
    out.violations = violations;
    var pre = document.createElement('pre');
    pre.id = 'rm-test-result';
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  window.addEventListener('load', function () { setTimeout(run, 100); });
}());
</script>
</head>"#;

/// Chromium with the flags that keep it from calling home, on a fresh profile.
fn chromium(profile: &Path, net_log: &Path, url: &str) -> std::process::Output {
    let binary = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
        .unwrap_or_else(|| panic!("no chromium command: apt-get install chromium"));
    Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1024,640",
            // The fence: no name resolves, and anything not on loopback goes to a closed port.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=127.0.0.1",
            "--virtual-time-budget=8000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--net-log-capture-mode=Everything")
        .args(["--dump-dom", url])
        .output()
        .expect("chromium runs")
}

/// The pixel of a lon/lat position in a Web Mercator map of `size` centred on `center` at
/// `zoom` (256-pixel tiles, as every slippy map).
fn mercator_px(lon: f64, lat: f64, center: (f64, f64), zoom: f64, size: (f64, f64)) -> (f64, f64) {
    let world = |lon: f64, lat: f64| {
        let scale = 256.0 * 2f64.powf(zoom);
        let phi = lat.to_radians();
        (
            (lon + 180.0) / 360.0 * scale,
            (1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0 * scale,
        )
    };
    let (x, y) = world(lon, lat);
    let (cx, cy) = world(center.0, center.1);
    (size.0 / 2.0 + x - cx, size.1 / 2.0 + y - cy)
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The URLs the log shows requested for a `file://` document (a page opened from disk), and
/// how many requests it holds in all (the browser's own included).
fn page_requests(path: &Path) -> (Vec<String>, usize) {
    let text = std::fs::read_to_string(path).expect("chromium wrote its network log");
    // A log cut short by the browser's exit lacks its closing brackets.
    let log: Value = serde_json::from_str(&text)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", text.trim_end().trim_end_matches(','))))
        .expect("the network log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the log names its event types");
    let mut page = Vec::new();
    let mut all = 0;
    for event in log["events"].as_array().into_iter().flatten() {
        if event["type"].as_u64() != Some(start_job) {
            continue;
        }
        all += 1;
        let params = &event["params"];
        let for_file_page = params["network_isolation_key"]
            .as_str()
            .is_some_and(|k| k.contains("file://"));
        if for_file_page && let Some(url) = params["url"].as_str() {
            page.push(url.to_owned());
        }
    }
    (page, all)
}

#[test]
fn the_web_map_works_in_chromium_and_asks_the_network_for_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("map.html");
    let run = raidmap(&[
        "publish",
        &data("sample.raidmap"),
        "-o",
        page.to_str().expect("utf-8"),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = std::fs::read_to_string(&page).expect("the page was written");
    assert!(
        html.len() < 2_000_000,
        "the sample's page is {} bytes",
        html.len()
    );

    let probe = dir.path().join("probe.html");
    assert_eq!(html.matches("</head>").count(), 1);
    std::fs::write(&probe, html.replacen("</head>", PROBE, 1)).expect("write the probe page");
    let profile = dir.path().join("profile");
    let net_log = dir.path().join("net-log.json");
    let url = format!("file://{}", probe.display());
    let out = chromium(&profile, &net_log, &url);
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"rm-test-result\">").unwrap_or_else(|| {
        panic!(
            "the page did not report (did it load?): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let json = &dom[start + "<pre id=\"rm-test-result\">".len()..];
    let json = unescape(&json[..json.find("</pre>").expect("end of the report")]);
    let result: Value = serde_json::from_str(&json).expect("the report is JSON");

    // Every site where it should be.
    let center = (
        result["center"]["lng"].as_f64().expect("lng"),
        result["center"]["lat"].as_f64().expect("lat"),
    );
    let zoom = result["zoom"].as_f64().expect("zoom");
    let size = (
        result["size"]["x"].as_f64().expect("width"),
        result["size"]["y"].as_f64().expect("height"),
    );
    assert!(size.0 > 500.0 && size.1 > 300.0, "{size:?}");
    let sites: Value =
        serde_json::from_str(&std::fs::read_to_string(data("sites.geojson")).expect("sites"))
            .expect("JSON");
    let before = result["before"].as_array().expect("markers");
    let mut placed = 0;
    for site in sites["features"].as_array().expect("features") {
        let Some(c) = site["geometry"]["coordinates"].as_array() else {
            continue;
        };
        let name = site["properties"]["name"].as_str().expect("name");
        let (lon, lat) = (c[0].as_f64().expect("lon"), c[1].as_f64().expect("lat"));
        let want = mercator_px(lon, lat, center, zoom, size);
        let got = before
            .iter()
            .find(|m| m["name"] == name)
            .unwrap_or_else(|| panic!("no marker for {name}: {before:?}"));
        let (x, y) = (got["x"].as_f64().expect("x"), got["y"].as_f64().expect("y"));
        assert!(
            (x - want.0).abs() < 1.5 && (y - want.1).abs() < 1.5,
            "{name} drawn at ({x:.1}, {y:.1}), Web Mercator puts it at ({:.1}, {:.1})",
            want.0,
            want.1
        );
        placed += 1;
    }
    assert_eq!(placed, 6, "six sites have a position");

    // A click shows the site's properties.
    let popup = result["popup"].as_str().expect("a popup opened");
    assert!(popup.contains("Mango Park 2"), "{popup}");
    let site = sites["features"]
        .as_array()
        .expect("features")
        .iter()
        .find(|f| f["properties"]["name"] == "Mango Park 2")
        .expect("Mango Park 2 in the data");
    for key in ["province", "status", "confidence"] {
        let value = site["properties"][key].as_str().expect("a text property");
        assert!(
            popup.contains(key) && popup.contains(value),
            "{key} = {value} not in {popup}"
        );
    }

    // The window 2025-07-16 .. 2025-07-16: that day's raids and every site, no other raid.
    let after: Vec<&str> = result["after"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for shown in [
        "Poipet raid",
        "Kong Pisey raid",
        "Pursat raid",
        "Kratie raid",
        "Mango Park",
    ] {
        assert!(after.contains(&shown), "{shown} hidden: {after:?}");
    }
    for hidden in [
        "Toul Kork raid",
        "Preah Sihanouk raid",
        "Mango Park raid (2024)",
    ] {
        assert!(!after.contains(&hidden), "{hidden} shown: {after:?}");
        assert!(
            before.iter().any(|m| m["name"] == hidden),
            "{hidden} was never drawn"
        );
    }

    // No request: nothing loaded by the page, nothing blocked, nothing in the browser's log
    // but the page's own file.
    assert_eq!(
        result["resources"],
        serde_json::json!([]),
        "resources loaded"
    );
    assert_eq!(
        result["violations"],
        serde_json::json!([]),
        "CSP violations"
    );
    let (requests, _) = page_requests(&net_log);
    let foreign: Vec<&String> = requests
        .iter()
        .filter(|u| !u.starts_with("file://"))
        .collect();
    assert!(
        foreign.is_empty(),
        "the page asked the network for {foreign:?}"
    );
}

/// The network-log check above can fail: the same browser opening a page that loads an image
/// from a 127.0.0.1 server records that request.
#[test]
fn the_network_log_check_sees_a_request() {
    let server = crate::tile_server::TileServer::solid([200, 30, 30]);
    let dir = tempfile::tempdir().expect("temp dir");
    let page: PathBuf = dir.path().join("fetch.html");
    std::fs::write(
        &page,
        format!(
            "<!DOCTYPE html><img src=\"http://127.0.0.1:{}/0/0/0.png\">",
            server.port
        ),
    )
    .expect("write the page");
    let net_log = dir.path().join("net-log.json");
    chromium(
        &dir.path().join("profile"),
        &net_log,
        &format!("file://{}", page.display()),
    );
    let (requests, _) = page_requests(&net_log);
    assert!(
        !server.paths().is_empty(),
        "the server was asked for the image"
    );
    assert!(
        requests.iter().any(|u| u.starts_with("http://127.0.0.1")),
        "the page's request is in the log: {requests:?}"
    );
}
