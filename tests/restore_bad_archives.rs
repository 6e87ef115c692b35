//! A corpus of bad archives, generated here: each must be rejected with
//! exit 3 and a message saying what is wrong, and leave the installation
//! byte-identical (no staging left behind, nothing restored).

mod common;

use common::archive::{
    E, d, f, good_state_entries, gzip, manifest_json, metadata_json, sample, tar_bytes,
};
use common::{talos_at, tree_hash};

fn corpus() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let good_tar = tar_bytes(&good_state_entries());
    let good = gzip(&good_tar);
    let with = |extra: Vec<E>| {
        let mut es = good_state_entries();
        es.extend(extra);
        gzip(&tar_bytes(&es))
    };
    let qf: [(&str, &[u8]); 1] = [("state/a.json", b"{}")];
    let meta = metadata_json(&["state"]);
    let mut out: Vec<(&'static str, Vec<u8>, &'static str)> = vec![
        ("dotdot", with(vec![f("state/../../evil", b"x")]), ".."),
        ("absolute", with(vec![f("/tmp/evil", b"x")]), "absolute"),
        (
            "symlink",
            with(vec![E::Symlink(
                b"state/link".to_vec(),
                b"/etc/passwd".to_vec(),
            )]),
            "symbolic link",
        ),
        (
            "hardlink",
            with(vec![E::Hardlink(
                b"state/hard".to_vec(),
                b"state/task_queue.json".to_vec(),
            )]),
            "hard link",
        ),
        ("fifo", with(vec![E::Fifo(b"state/fifo".to_vec())]), "fifo"),
        (
            "device",
            with(vec![E::Char(b"state/null".to_vec())]),
            "device",
        ),
        (
            "truncated_gzip",
            good[..good.len() / 2].to_vec(),
            "truncated",
        ),
        (
            "gzip_trailer_cut",
            good[..good.len() - 6].to_vec(),
            "truncated|corrupt",
        ),
        (
            "not_in_manifest",
            with(vec![f("state/extra.json", b"{}")]),
            "not listed in manifest.json",
        ),
        (
            "not_gzip",
            b"this is not a gzip file at all\n".to_vec(),
            "not a gzip file",
        ),
        ("empty", Vec::new(), "empty"),
        (
            "escapes_component",
            with(vec![f("config/ssl/key.pem", b"k")]),
            "ssl",
        ),
        (
            "unknown_top_level",
            with(vec![f("etc/passwd", b"x")]),
            "not a component",
        ),
        (
            "database_extra_file",
            with(vec![f("database/talos.db-wal", b"x")]),
            "database",
        ),
        (
            "non_utf8_name",
            with(vec![E::File(
                b"state/\xff\xfe.json".to_vec(),
                b"x".to_vec(),
            )]),
            "UTF-8",
        ),
        (
            "file_used_as_directory",
            with(vec![f("state/task_queue.json/inner", b"x")]),
            "which is a file",
        ),
        (
            "directory_then_file",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f(
                    "manifest.json",
                    &manifest_json(&[("state/a/b", b"{}"), ("state/a", b"{}")]),
                ),
                f("state/a/b", b"{}"),
                f("state/a", b"{}"),
            ])),
            "used as a directory|appears twice|is a file",
        ),
        (
            "file_as_component_root",
            with(vec![f("logs", b"x")]),
            "component directory",
        ),
        (
            "file_as_state_root",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f("manifest.json", &manifest_json(&[("state", b"x")])),
                f("state", b"x"),
            ])),
            "component directory",
        ),
        (
            "database_as_directory",
            with(vec![d("database/talos.db/")]),
            "not a file",
        ),
        (
            "duplicate",
            with(vec![f("state/task_queue.json", b"{\"pending\":[]}")]),
            "twice",
        ),
        (
            "missing_manifest",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                d("state/"),
                f("state/a.json", b"{}"),
            ])),
            "manifest.json is missing",
        ),
        (
            "invalid_manifest",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f(
                    "manifest.json",
                    b"{\"algorithm\": \"sha256\", \"files\": [ oops",
                ),
                f("state/a.json", b"{}"),
            ])),
            "manifest.json is not valid",
        ),
        (
            "missing_metadata",
            gzip(&tar_bytes(&[
                f("manifest.json", &manifest_json(&qf)),
                f("state/a.json", b"{}"),
            ])),
            "metadata.json is missing",
        ),
        (
            "invalid_metadata",
            gzip(&tar_bytes(&[
                f("metadata.json", b"{\"backup_version\": 4"),
                f("manifest.json", &manifest_json(&qf)),
                f("state/a.json", b"{}"),
            ])),
            "metadata.json is not valid",
        ),
        (
            "manifest_file_missing",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f(
                    "manifest.json",
                    &manifest_json(&[("state/a.json", b"{}"), ("state/gone.json", b"{}")]),
                ),
                f("state/a.json", b"{}"),
            ])),
            "missing from the archive",
        ),
        (
            "checksum_mismatch",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f("manifest.json", &manifest_json(&[("state/a.json", b"{1}")])),
                f("state/a.json", b"{2}"),
            ])),
            "checksum mismatch",
        ),
        (
            "size_mismatch",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f("manifest.json", &manifest_json(&[("state/a.json", b"{}")])),
                f("state/a.json", b"{ }"),
            ])),
            "size mismatch",
        ),
        (
            "manifest_with_dotdot",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f("manifest.json", &manifest_json(&[("state/../x", b"{}")])),
            ])),
            "..",
        ),
        (
            "metadata_wrong_version",
            gzip(&tar_bytes(&[
                f(
                    "metadata.json",
                    b"{\"backup_version\":\"9.9\",\"created_at\":\"x\"}",
                ),
                f("manifest.json", &manifest_json(&qf)),
                f("state/a.json", b"{}"),
            ])),
            "backup_version",
        ),
        (
            "component_not_in_metadata",
            gzip(&tar_bytes(&[
                f("metadata.json", &metadata_json(&["config"])),
                f("manifest.json", &manifest_json(&qf)),
                f("state/a.json", b"{}"),
            ])),
            "do not list state",
        ),
        (
            "metadata_checksum_mismatch",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f(
                    "manifest.json",
                    &manifest_json(&[
                        ("metadata.json", &metadata_json(&["config"])),
                        ("state/a.json", b"{}"),
                    ]),
                ),
                f("state/a.json", b"{}"),
            ])),
            "metadata.json does not match its manifest.json entry",
        ),
        (
            "manifest_lists_itself",
            gzip(&tar_bytes(&[
                f("metadata.json", &meta),
                f(
                    "manifest.json",
                    &manifest_json(&[("manifest.json", b"{}"), ("state/a.json", b"{}")]),
                ),
                f("state/a.json", b"{}"),
            ])),
            "manifest lists \"manifest.json\"",
        ),
    ];
    // A byte flipped inside a file's data (the gzip is rebuilt, so only the
    // manifest checksum can catch it).
    let mut flipped = good_tar.clone();
    let at = flipped
        .windows(b"{\"pending\":[]}".len())
        .rposition(|w| w == b"{\"pending\":[]}")
        .unwrap();
    flipped[at + 3] ^= 0x20;
    out.push(("flipped_byte_in_file", gzip(&flipped), "checksum mismatch"));
    // A byte flipped in the compressed stream.
    let mut corrupt = good.clone();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0xff;
    out.push((
        "flipped_byte_in_gzip",
        corrupt,
        "corrupt|truncated|mismatch|not valid|not listed",
    ));
    // Tar cut inside a file, in a well-formed gzip.
    let cut = &good_tar[..at + 5];
    out.push(("truncated_tar", gzip(cut), "truncated"));
    // A gzip bomb: a valid archive followed by 100 MB of zeros, far more
    // than the manifest accounts for.
    let mut bomb = good_tar.clone();
    bomb.resize(bomb.len() + 100 * 1024 * 1024, 0);
    out.push(("gzip_bomb", gzip(&bomb), "decompression bomb"));
    out
}

#[test]
fn every_bad_archive_is_rejected_with_exit_3_and_changes_nothing() {
    let (dir, _layout) = sample(0);
    let root = dir.path();
    let work = tempfile::tempdir().unwrap();
    let before = tree_hash(root);
    let corpus = corpus();
    assert!(corpus.len() >= 20);
    let mut failures = Vec::new();
    for (name, bytes, expect) in &corpus {
        let file = work.path().join(format!("{name}.tar.gz"));
        std::fs::write(&file, bytes).unwrap();
        let out = talos_at(root)
            .args(["restore", "--yes"])
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let re = regex::Regex::new(expect).unwrap();
        if out.status.code() != Some(3) || !re.is_match(&stderr) {
            failures.push(format!(
                "{name}: exit {:?}, stderr: {stderr}",
                out.status.code()
            ));
        }
        if std::env::var_os("SHOW").is_some() {
            eprintln!("--- {name}: {}", stderr.trim());
        }
        if tree_hash(root) != before {
            failures.push(format!("{name}: the installation changed"));
        }
        // backup verify says the same, and writes nothing.
        let out = talos_at(root)
            .args(["backup", "verify"])
            .arg(&file)
            .output()
            .unwrap();
        if out.status.code() != Some(3) {
            failures.push(format!(
                "{name}: backup verify exit {:?}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(tree_hash(root), before);
}

#[test]
fn the_good_archive_of_the_corpus_is_accepted() {
    let (dir, layout) = sample(0);
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("good.tar.gz");
    std::fs::write(&file, gzip(&tar_bytes(&good_state_entries()))).unwrap();
    talos_at(dir.path())
        .args(["restore", "--yes"])
        .arg(&file)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(layout.task_queue()).unwrap(),
        b"{\"pending\":[]}"
    );
    // Files absent from the backup are gone from the restored component.
    assert!(!layout.heartbeat().exists());
    assert!(layout.config_file.exists(), "other components untouched");
}
