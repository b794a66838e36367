//! Encrypted projects in the window: opening one asks for the passphrase (a wrong one says so
//! and opens nothing), and while it is open nothing of it reaches the disk in plaintext (the
//! autosave is sealed the same way).

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use raidmap::edit::Edit;
use raidmap::evidence::{Seal, attachment};
use raidmap::ui::app::RaidmapApp;
use raidmap::ui::command::Command;
use raidmap::ui::command::Dialog;

use crate::gui::{feature_named, harness, sample_app};

/// A property value and attachment bytes found nowhere in plaintext.
const SECRET_VALUE: &str = "informant-kestrel-7731";
const SECRET_BYTES: &[u8] = b"scan of the leaked site plan, floor 3";
const PASSPHRASE: &str = "correct horse battery staple";

/// A passphrase-sealed project at `path` whose Mango Park has `SECRET_VALUE` as its `source`
/// and `SECRET_BYTES` attached.
pub(crate) fn encrypted_project(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("plan.txt");
    std::fs::write(&file, SECRET_BYTES).expect("writes");
    let mut h = sample_app();
    let (target, _) = feature_named(h.state(), "Mango Park");
    h.state_mut().push(Command::Edit(
        Edit::SetProperty {
            target,
            key: "source".into(),
            value: serde_json::json!(SECRET_VALUE),
        },
        "Set source".into(),
    ));
    h.state_mut()
        .push(Command::Attach(target, vec![file.clone()]));
    h.run();
    std::fs::remove_file(&file).expect("removed");
    h.state_mut().project.evidence.seal = Some(Seal::Passphrase(PASSPHRASE.into()));
    let path = dir.join("case.raidmap");
    h.state_mut().save_project(&path);
    assert!(!h.state().has_unsaved_changes(), "{}", status_of(&h));
    path
}

fn status_of(h: &Harness<'_, RaidmapApp>) -> String {
    format!("{:?}", h.state().problems)
}

/// Type into the passphrase field and press Open; wait for the project to be read.
fn submit(h: &mut Harness<'_, RaidmapApp>, text: &str) {
    h.get_by_role(Role::PasswordInput).click();
    h.run();
    h.get_by_role(Role::PasswordInput).type_text(text);
    h.run();
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run();
    h.state_mut().finish_loading();
    h.run();
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn an_encrypted_project_asks_for_its_passphrase_refuses_a_wrong_one_and_autosaves_sealed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = encrypted_project(dir.path());
    let sealed = std::fs::read(&path).expect("reads");
    assert!(sealed.starts_with(b"age-encryption.org/v1\n"));
    assert!(!contains(&sealed, SECRET_VALUE.as_bytes()));

    let autosave = dir.path().join("data");
    let mut app = RaidmapApp::empty();
    app.enable_autosave(autosave.clone());
    let mut h = harness(app);
    h.state_mut().push(Command::OpenProject(path.clone()));
    h.run();
    h.state_mut().finish_loading();
    h.run();
    assert!(h.state().is_asking_for_key(), "{}", status_of(&h));
    h.get_by_label_contains("is encrypted. Type its passphrase");
    assert!(h.state().problems.is_empty(), "no error report, a question");

    submit(&mut h, "not the passphrase");
    assert!(h.state().is_asking_for_key());
    h.get_by_label("The passphrase is wrong. Nothing was opened or changed.");
    assert_eq!(h.state().doc.layers().count(), 0, "nothing was opened");
    assert_eq!(
        std::fs::read(&path).expect("reads"),
        sealed,
        "nothing changed"
    );

    submit(&mut h, PASSPHRASE);
    assert!(!h.state().is_asking_for_key(), "{}", status_of(&h));
    assert!(h.state().problems.is_empty(), "{}", status_of(&h));
    let (target, _) = feature_named(h.state(), "Mango Park");
    let feature = h.state().doc.feature(target).expect("feature");
    assert_eq!(
        feature.property("source").and_then(|v| v.as_str()),
        Some(SECRET_VALUE)
    );
    assert_eq!(attachment::of(feature).len(), 1);
    assert_eq!(h.state().project.failed_hashes.len(), 0);

    // An edit, autosaved: the autosave is sealed with the same passphrase.
    h.state_mut().push(Command::Edit(
        Edit::SetProperty {
            target,
            key: "note".into(),
            value: serde_json::json!("second visit"),
        },
        "Set note".into(),
    ));
    h.run();
    h.state_mut().autosave_now();
    let written = files_under(&autosave);
    assert!(
        written.iter().any(|(p, _)| p.ends_with("autosave.raidmap")),
        "{written:?}"
    );
    for (file, bytes) in &written {
        assert!(
            !contains(bytes, SECRET_VALUE.as_bytes()) && !contains(bytes, SECRET_BYTES),
            "{} holds plaintext",
            file.display()
        );
    }
    let saved = autosave.join("autosave.raidmap");
    assert!(
        std::fs::read(&saved)
            .expect("reads")
            .starts_with(b"age-encryption.org/v1\n")
    );
    let recovered =
        raidmap::project::load_with(&saved, Some(PASSPHRASE.into())).expect("opens sealed");
    assert_eq!(recovered.evidence.store.iter().count(), 1);
}

#[test]
fn cancelling_the_passphrase_opens_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = encrypted_project(dir.path());
    let mut h = harness(RaidmapApp::empty());
    h.state_mut().push(Command::OpenProject(path));
    h.run();
    h.state_mut().finish_loading();
    h.run();
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    assert!(!h.state().is_asking_for_key());
    assert_eq!(h.state().doc.layers().count(), 0);
}

/// Type into the `n`th password field.
fn type_password(h: &mut Harness<'_, RaidmapApp>, n: usize, text: &str) {
    h.get_all_by_role(Role::PasswordInput)
        .nth(n)
        .expect("password field")
        .click();
    h.run();
    h.get_all_by_role(Role::PasswordInput)
        .nth(n)
        .expect("password field")
        .type_text(text);
    h.run();
}

#[test]
fn encrypt_project_seals_it_with_a_passphrase_then_to_keys_then_removes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("case.raidmap");
    let mut h = sample_app();
    h.state_mut().save_project(&path);
    assert!(std::fs::read(&path).expect("reads").starts_with(b"{"));

    h.get_by_role_and_label(Role::Button, "Encrypt…").click();
    h.run();
    type_password(&mut h, 0, "first try");
    type_password(&mut h, 1, "first tr");
    h.get_by_role_and_label(Role::Button, "Encrypt and save")
        .click();
    h.run();
    h.get_by_label("The two passphrases differ: type them again.");
    assert!(h.state().project.evidence.seal.is_none(), "nothing changed");
    assert!(std::fs::read(&path).expect("reads").starts_with(b"{"));

    // Cancel (the fields are cleared), open it again and type the same passphrase twice.
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Encrypt…").click();
    h.run();
    type_password(&mut h, 0, "first try");
    type_password(&mut h, 1, "first try");
    h.get_by_role_and_label(Role::Button, "Encrypt and save")
        .click();
    h.run();
    h.run();
    let sealed = std::fs::read(&path).expect("reads");
    assert!(
        sealed.starts_with(b"age-encryption.org/v1\n"),
        "saved sealed"
    );
    assert!(!h.state().has_unsaved_changes());
    let opened = raidmap::project::load_with(&path, Some("first try".into())).expect("opens");
    let log = opened.evidence.log.entries();
    assert_eq!(
        log.last().map(|e| e.event),
        Some(raidmap::evidence::Event::Encrypted)
    );
    assert_eq!(
        log.last().map(|e| e.sha256.len()),
        Some(64),
        "hash of the file read"
    );
    h.get_by_role_and_label(Role::Button, "Encrypted…");

    // To a team member's key instead.
    let identity = age::x25519::Identity::generate();
    h.get_by_role_and_label(Role::Button, "Encrypted…").click();
    h.run();
    h.get_by_label("Team members' public keys").click();
    h.run();
    h.get_by_role(Role::MultilineTextInput).click();
    h.run();
    h.get_by_role(Role::MultilineTextInput)
        .type_text(&identity.to_public().to_string());
    h.run();
    h.get_by_role_and_label(Role::Button, "Change and save")
        .click();
    h.run();
    h.run();
    let sealed = std::fs::read(&path).expect("reads");
    let identities: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(identity)];
    let plain = raidmap::evidence::seal::open_with_identities(&sealed, &identities)
        .expect("the key's owner opens it");
    assert!(!plain.is_empty());
    assert!(raidmap::evidence::seal::open_with_passphrase(&sealed, &"first try".into()).is_err());

    // And back to plaintext.
    h.get_by_role_and_label(Role::Button, "Encrypted…").click();
    h.run();
    h.get_by_role_and_label(Role::Button, "Remove encryption")
        .click();
    h.run();
    h.run();
    assert!(h.state().project.evidence.seal.is_none());
    assert!(std::fs::read(&path).expect("reads").starts_with(b"{"));
    let events: Vec<_> = raidmap::project::load(&path)
        .expect("opens")
        .evidence
        .log
        .entries()
        .iter()
        .map(|e| e.event)
        .collect();
    use raidmap::evidence::Event;
    assert_eq!(
        events,
        [Event::Encrypted, Event::Encrypted, Event::Decrypted]
    );
}

#[test]
fn exporting_from_an_encrypted_project_warns_first_and_the_encrypted_export_opens_with_age() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = encrypted_project(dir.path());
    let mut h = harness(RaidmapApp::empty());
    h.state_mut().push(Command::OpenProject(path));
    h.run();
    h.state_mut().finish_loading();
    h.run();
    submit(&mut h, PASSPHRASE);
    assert!(
        h.state().project.evidence.seal.is_some(),
        "{}",
        status_of(&h)
    );
    let (target, _) = feature_named(h.state(), "Mango Park");

    // Export GeoJSON… to a plaintext file: the window says so and writes nothing yet.
    let plain = dir.path().join("sites.geojson");
    h.state_mut()
        .push(Command::Export(target.layer, plain.clone()));
    h.run();
    h.get_by_label_contains(&format!(
        "would be written to {} in plaintext",
        plain.display()
    ));
    assert!(!plain.exists(), "nothing written before the answer");

    // The encrypted export instead: an age file with the project's passphrase.
    h.get_by_role_and_label(Role::Button, "Write it encrypted (sites.geojson.age)")
        .click();
    h.run();
    h.run();
    assert!(!plain.exists(), "no plaintext file");
    let sealed = dir.path().join("sites.geojson.age");
    let bytes = std::fs::read(&sealed).expect("the encrypted export");
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    assert!(!contains(&bytes, SECRET_VALUE.as_bytes()));
    let opened = dir.path().join("opened.geojson");
    let run = crate::cli_evidence::age_with_tty(
        &format!("-d -o '{}' '{}'", opened.display(), sealed.display()),
        &format!("{PASSPHRASE}\n"),
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let text = std::fs::read_to_string(&opened).expect("age wrote it");
    let json: serde_json::Value = serde_json::from_str(&text).expect("GeoJSON");
    assert_eq!(json["type"], "FeatureCollection");
    assert!(text.contains(SECRET_VALUE), "the layer's data");

    // Cancel writes nothing; a yes to plaintext writes the plain file.
    h.state_mut()
        .push(Command::Export(target.layer, plain.clone()));
    h.run();
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    assert!(!plain.exists());
    h.state_mut()
        .push(Command::Export(target.layer, plain.clone()));
    h.run();
    h.get_by_role_and_label(Role::Button, "Write it in plaintext")
        .click();
    h.run();
    h.run();
    assert!(
        std::fs::read_to_string(&plain)
            .expect("written when agreed")
            .contains(SECRET_VALUE)
    );

    // A map image warns too, and its encrypted form is an age file.
    let image = dir.path().join("map.png");
    h.state_mut()
        .push(Command::ExportImage(raidmap::ui::command::ImageRequest {
            width_px: 64,
            height_px: 48,
            scale: 1.0,
            area: raidmap::ui::command::Area::Layers,
            bbox: None,
            title: String::new(),
            path: image.clone(),
            selected_only: false,
        }));
    h.run();
    h.get_by_role_and_label(Role::Button, "Write it encrypted (map.png.age)")
        .click();
    h.run();
    h.run();
    assert!(!image.exists());
    let png = raidmap::evidence::seal::open_with_passphrase(
        &std::fs::read(dir.path().join("map.png.age")).expect("written"),
        &PASSPHRASE.into(),
    )
    .expect("opens with the passphrase");
    assert!(png.starts_with(b"\x89PNG"));
}

/// How long an autosave of an encrypted project holds the window's thread: sealing and writing
/// there (`autosave_now`, what every autosave did before) against handing the bytes to the
/// autosave thread (`autosave_in_background`). Prints the figures for BENCHMARKS.md:
/// `cargo test --release --test tests -- --ignored --nocapture autosave_ui_thread_time`.
#[test]
#[ignore = "prints timings for BENCHMARKS.md"]
fn autosave_ui_thread_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = encrypted_project(dir.path());
    let mut app = RaidmapApp::empty();
    app.enable_autosave(dir.path().join("data"));
    let mut h = harness(app);
    h.state_mut().push(Command::OpenProject(path));
    h.run();
    h.state_mut().finish_loading();
    h.run();
    submit(&mut h, PASSPHRASE);
    let (target, _) = feature_named(h.state(), "Mango Park");
    let mut blocking = Vec::new();
    let mut handed_over = Vec::new();
    for round in 0..5 {
        h.state_mut().push(Command::Edit(
            Edit::SetProperty {
                target,
                key: "note".into(),
                value: serde_json::json!(format!("visit {round}")),
            },
            "Set note".into(),
        ));
        h.run();
        let started = std::time::Instant::now();
        h.state_mut().autosave_now();
        blocking.push(started.elapsed());
        let started = std::time::Instant::now();
        h.state_mut().autosave_in_background();
        handed_over.push(started.elapsed());
        // Let it finish before the next round (not measured).
        h.state_mut().autosave_now();
    }
    println!("autosave on the UI thread (seal + write): {blocking:?}");
    println!("autosave handed to its thread (UI thread part): {handed_over:?}");
}

#[test]
fn autosaves_sealed_on_their_thread_leave_the_last_state_at_exit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = encrypted_project(dir.path());
    let data = dir.path().join("data");
    let mut app = RaidmapApp::empty();
    app.enable_autosave(data.clone());
    let mut h = harness(app);
    h.state_mut().push(Command::OpenProject(path));
    h.run();
    h.state_mut().finish_loading();
    h.run();
    submit(&mut h, PASSPHRASE);
    let (target, _) = feature_named(h.state(), "Mango Park");
    let note = |h: &mut Harness<'_, RaidmapApp>, text: &str| {
        h.state_mut().push(Command::Edit(
            Edit::SetProperty {
                target,
                key: "note".into(),
                value: serde_json::json!(text),
            },
            "Set note".into(),
        ));
        h.run();
    };
    note(&mut h, "first visit");
    // Handed to the autosave thread; the window goes on at once.
    h.state_mut().autosave_in_background();
    note(&mut h, "second visit");
    h.state_mut().autosave_in_background();
    note(&mut h, "last visit");
    // The window closes: what is on its way is written, then the last state.
    h.state_mut().on_exit();
    let saved = data.join("autosave.raidmap");
    let bytes = std::fs::read(&saved).expect("autosaved");
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "sealed");
    assert!(!contains(&bytes, b"last visit"));
    let recovered = raidmap::project::load_with(&saved, Some(PASSPHRASE.into())).expect("opens");
    let layer = recovered
        .layers
        .iter()
        .find_map(|l| {
            l.layer
                .features
                .iter()
                .find(|f| f.name() == Some("Mango Park"))
        })
        .expect("Mango Park");
    assert_eq!(
        layer.property("note").and_then(|v| v.as_str()),
        Some("last visit")
    );
    assert!(data.join("running").exists(), "recovery will be offered");
}

/// Run frames until the publishing job has ended (the work runs on its own thread).
fn wait_until_published(h: &mut Harness<'_, RaidmapApp>) {
    let started = std::time::Instant::now();
    while h.state().publish.is_running() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(300),
            "publishing did not end in 5 minutes"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.run();
    }
    h.run();
}

/// Start a publishing dialog's task writing to `out` (the form's own button).
fn publish(h: &mut Harness<'_, RaidmapApp>, dialog: Dialog, out: &std::path::Path) {
    h.state_mut().push(Command::OpenPublish(dialog));
    h.run_ok();
    h.run();
    let app = h.state_mut();
    let (target, button) = match dialog {
        Dialog::Animation => {
            let form = &mut app.publish.animation;
            form.dates.from = "2025-07-14".into();
            form.dates.to = "2025-07-16".into();
            form.width_px = 64;
            form.height_px = 48;
            (&mut form.target, "Export animation")
        }
        Dialog::Report => (&mut app.publish.report.target, "Export PDF"),
        Dialog::WebMap => (&mut app.publish.webmap.target, "Publish web map"),
    };
    target.path = out.display().to_string();
    h.run();
    h.get_all_by_role_and_label(Role::Button, button)
        .last()
        .expect("the dialog's button")
        .click();
    h.run();
}

/// The sample map as an open encrypted project (sealed with `PASSPHRASE`).
fn encrypted_sample() -> Harness<'static, RaidmapApp> {
    let mut h = sample_app();
    h.state_mut().project.evidence.seal = Some(Seal::Passphrase(PASSPHRASE.into()));
    h
}

fn opened(path: &std::path::Path) -> Vec<u8> {
    raidmap::evidence::seal::open_with_passphrase(
        &std::fs::read(path).expect("written"),
        &PASSPHRASE.into(),
    )
    .expect("opens with the project's passphrase")
}

#[test]
fn publishing_from_an_encrypted_project_warns_first_and_offers_an_encrypted_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = encrypted_sample();

    // The report: the warning, nothing written yet; the encrypted form is the PDF, sealed.
    let report = dir.path().join("report.pdf");
    publish(&mut h, Dialog::Report, &report);
    h.get_by_label_contains(&format!(
        "{} would be written in plaintext",
        report.display()
    ));
    assert!(
        !h.state().publish.is_running(),
        "nothing started before the answer"
    );
    h.get_by_role_and_label(Role::Button, "Write it encrypted (report.pdf.age)")
        .click();
    h.run();
    wait_until_published(&mut h);
    assert!(!report.exists(), "no plaintext report");
    let sealed = dir.path().join("report.pdf.age");
    assert!(
        std::fs::read(&sealed)
            .expect("the encrypted report")
            .starts_with(b"age-encryption.org/v1\n")
    );
    assert!(opened(&sealed).starts_with(b"%PDF"), "a PDF inside");
    assert!(
        h.query_by_label_contains("report.pdf.age.").is_some(),
        "the status bar names the encrypted file"
    );

    // The web map: Cancel publishes nothing; a yes to plaintext writes the page.
    let page = dir.path().join("map.html");
    publish(&mut h, Dialog::WebMap, &page);
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    h.run();
    assert!(!h.state().publish.is_running());
    assert!(!page.exists());
    assert!(
        h.query_by_label_contains("Nothing was published").is_some(),
        "said so"
    );
    publish(&mut h, Dialog::WebMap, &page);
    h.get_by_role_and_label(Role::Button, "Write it in plaintext")
        .click();
    h.run();
    wait_until_published(&mut h);
    assert!(
        std::fs::read_to_string(&page)
            .expect("written when agreed")
            .contains("Mango Park")
    );

    // An MP4 has no encrypted form, and the window says why; a GIF has one.
    publish(&mut h, Dialog::Animation, &dir.path().join("raids.mp4"));
    h.get_by_label_contains("An MP4 cannot be written encrypted");
    assert!(
        h.query_by_label_contains("Write it encrypted").is_none(),
        "no encrypted form offered for an MP4"
    );
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.run();
    let gif = dir.path().join("raids.gif");
    publish(&mut h, Dialog::Animation, &gif);
    h.get_by_role_and_label(Role::Button, "Write it encrypted (raids.gif.age)")
        .click();
    h.run();
    wait_until_published(&mut h);
    assert!(!gif.exists());
    assert!(opened(&dir.path().join("raids.gif.age")).starts_with(b"GIF8"));
}

#[test]
fn a_publication_named_with_age_is_written_encrypted_without_a_question() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = encrypted_sample();
    let report = dir.path().join("typed.pdf.age");
    publish(&mut h, Dialog::Report, &report);
    assert!(
        h.query_by_label_contains("would be written in plaintext")
            .is_none(),
        "no plaintext warning for an .age name"
    );
    wait_until_published(&mut h);
    assert!(opened(&report).starts_with(b"%PDF"), "a PDF inside");
    // An MP4 has no encrypted form: nothing is written and the status bar says why.
    let video = dir.path().join("raids.mp4.age");
    publish(&mut h, Dialog::Animation, &video);
    assert!(!h.state().publish.is_running());
    assert!(!video.exists());
    h.get_by_label_contains("Nothing was published: An MP4 cannot be written encrypted");
    // A project that is not encrypted has nothing to seal an .age file with.
    let mut h = sample_app();
    let page = dir.path().join("map.html.age");
    publish(&mut h, Dialog::WebMap, &page);
    assert!(!page.exists());
    h.get_by_label_contains("the project is not encrypted");
}

/// The sample map saved at `path`, sealed to the age public key of a new identity file made
/// beside it by `age-keygen`; returns that file.
fn sealed_to_a_new_key(path: &std::path::Path) -> std::path::PathBuf {
    let identity = path.with_extension("key");
    let public = crate::cli_evidence::age_keygen(&identity);
    let mut h = sample_app();
    h.state_mut().project.evidence.seal = Some(Seal::new(None, &[public]).expect("a key"));
    h.state_mut().save_project(path);
    assert!(
        std::fs::read(path)
            .expect("saved")
            .starts_with(b"age-encryption.org/v1\n")
    );
    identity
}

#[test]
fn the_identity_file_given_once_is_remembered_and_read_at_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");

    // A start with the identity file in the settings opens a project sealed to its key
    // without asking (the key is new: nothing else in this process knows it).
    let first = dir.path().join("first.raidmap");
    let first_key = sealed_to_a_new_key(&first);
    let session = raidmap::ui::app::session::Session {
        identity_file: Some(first_key.clone()),
        ..Default::default()
    };
    let mut h = harness(RaidmapApp::from_session(vec![first.clone()], session));
    h.run();
    h.state_mut().finish_loading();
    h.run();
    assert!(!h.state().is_asking_for_key(), "{}", status_of(&h));
    assert_eq!(h.state().project.path.as_deref(), Some(first.as_path()));
    assert!(h.state().doc.layers().count() > 0, "its layers are shown");

    // Given in the unlock window, a file is remembered for the next start.
    let second = dir.path().join("second.raidmap");
    let second_key = sealed_to_a_new_key(&second);
    let mut h = harness(RaidmapApp::empty());
    h.state_mut().push(Command::OpenProject(second.clone()));
    h.run();
    h.state_mut().finish_loading();
    h.run();
    assert!(h.state().is_asking_for_key());
    // The window's field has the focus: type the path into it.
    h.input_mut()
        .events
        .push(egui::Event::Text(second_key.display().to_string()));
    h.run();
    h.get_by_role_and_label(Role::Button, "Open").click();
    h.run();
    h.state_mut().finish_loading();
    h.run();
    assert_eq!(h.state().project.path.as_deref(), Some(second.as_path()));
    assert_eq!(
        h.state().session_to_keep().identity_file.as_deref(),
        Some(second_key.as_path())
    );
}

#[test]
fn the_user_name_setting_signs_attachments_and_the_custody_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("note.txt");
    std::fs::write(&file, b"two trucks at 22:00").expect("writes");
    let mut h = sample_app();
    // The setting, in the project bar's menu.
    h.get_all_by_role_and_label(Role::Button, "…")
        .next()
        .expect("the project settings menu")
        .click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Your name in the custody log")
        .click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "Your name in the custody log")
        .type_text("Sokha (NGO field team)");
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(
        h.state().session_to_keep().user_name,
        "Sokha (NGO field team)"
    );

    let (target, _) = feature_named(h.state(), "Mango Park");
    h.state_mut().push(Command::Attach(target, vec![file]));
    h.run();
    let app = h.state();
    let attached = attachment::of(app.doc.feature(target).expect("feature"));
    assert_eq!(attached[0].added_by, "Sokha (NGO field team)");
    let log = app.project.evidence.log.entries();
    assert_eq!(
        log.last().map(|e| e.user.as_str()),
        Some("Sokha (NGO field team)")
    );
}
