//! An export killed at any moment (SIGKILL, no chance to clean up) leaves the previous file
//! intact: the target holds either its old content or the complete new one, never a mix.

use std::process::Stdio;
use std::time::Instant;

/// A GeoJSON file big enough that writing it takes a while (tens of milliseconds).
fn big_geojson(features: usize) -> String {
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..features {
        if i > 0 {
            text.push_str(",\n");
        }
        let lon = 102.5 + (i % 1000) as f64 * 0.005;
        let lat = 10.5 + (i / 1000) as f64 * 0.005;
        text.push_str(&format!(
            "{{\"type\":\"Feature\",\"id\":{i},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.6},{lat:.6}]}},\"properties\":{{\"name\":\"site {i}\",\"notes\":\"{}\"}}}}",
            "x".repeat(200)
        ));
    }
    text.push_str("\n]}\n");
    text
}

#[test]
fn an_export_killed_at_any_moment_leaves_the_old_file_or_the_whole_new_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("big.geojson");
    std::fs::write(&input, big_geojson(60_000)).expect("write input");
    let target = dir.path().join("out.geojson");
    let old = "{\"type\":\"FeatureCollection\",\"features\":[]}\n";

    // How long a whole export takes, to spread the kills over it.
    std::fs::write(&target, old).expect("write old");
    let started = Instant::now();
    let status = crate::util::command()
        .args([
            "export",
            input.to_str().expect("utf-8"),
            "-o",
            target.to_str().expect("utf-8"),
        ])
        .stderr(Stdio::null())
        .status()
        .expect("export runs");
    assert!(status.success());
    let full = started.elapsed();
    let new = std::fs::read(&target).expect("exported");
    assert!(new.len() > old.len());

    let mut saw_old = 0;
    let mut saw_new = 0;
    for step in 0..24u32 {
        std::fs::write(&target, old).expect("write old");
        let mut child = crate::util::command()
            .args([
                "export",
                input.to_str().expect("utf-8"),
                "-o",
                target.to_str().expect("utf-8"),
            ])
            .stderr(Stdio::null())
            .spawn()
            .expect("export starts");
        if step < 20 {
            std::thread::sleep(full.mul_f64(f64::from(step) / 20.0));
            // SIGKILL: the process cannot run any clean-up.
            let _ = child.kill();
        }
        let _ = child.wait();
        let now = std::fs::read(&target).expect("the target still exists");
        if now == old.as_bytes() {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!(
                "kill {step}: the target is neither the old file nor the whole new one ({} bytes)",
                now.len()
            );
        }
    }
    // Both outcomes were seen: a kill before the rename, and exports that finished.
    assert!(saw_old > 0, "no kill happened before the rename");
    assert!(saw_new >= 4, "the unkilled exports did not all finish");
}
