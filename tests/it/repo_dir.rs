//! Off-host backups to a directory repository, and age encryption, black-box:
//! an installation backs up encrypted to the repository; a bare root with
//! nothing else restores the newest with --repo --new-host --identity; the
//! drill runs from the repository on a bare host; wrong identities, flipped
//! or truncated ciphertext and sha256 mismatches exit 3 writing nothing;
//! archives interoperate with the `age` command-line tool both ways.

use crate::common;
use crate::common::install::{Install, Installed};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use std::path::{Path, PathBuf};

use crate::common::{json_ok, talos_at};

/// A bare host: an empty directory DIR/NAME, no installation in it.
fn bare(dir: &Path, name: &str) -> PathBuf {
    let root = dir.join(name);
    std::fs::create_dir(&root).unwrap();
    root
}

/// `talos --root TARGET restore --repo REPO --host HOST latest --new-host
/// --yes --identity KEY`, to be asserted.
fn restore_latest(target: &Path, repo: &Path, host: &str, key: &Path) -> assert_cmd::Command {
    let mut cmd = talos_at(target);
    cmd.args([
        "restore",
        "--repo",
        repo.to_str().unwrap(),
        "--host",
        host,
        "latest",
    ])
    .args(["--new-host", "--yes", "--identity", key.to_str().unwrap()]);
    cmd
}

/// A fresh age key pair: (identity file, recipient).
fn keypair(dir: &Path, name: &str) -> (PathBuf, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("# test key\n{}\n", id.to_string().expose_secret()),
    )
    .unwrap();
    (path, id.to_public().to_string())
}

fn sha256_file(p: &Path) -> String {
    common::archive::sha256_hex(&std::fs::read(p).unwrap())
}

fn objects(repo: &Path, host: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(repo.join(host))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A sandbox made now, a directory repository DIR/repo, an age key pair
/// (DIR/key.txt) and an encrypted backup of the sandbox pushed to the
/// repository for `host`: (dir, sandbox root, repo, key, the backup's
/// JSON document).
fn pushed_encrypted(
    seed: u64,
    host: &str,
) -> (
    tempfile::TempDir,
    PathBuf,
    PathBuf,
    PathBuf,
    serde_json::Value,
) {
    let (dir, Installed { root, .. }) = Install::sandbox(seed).now_real().create_temp();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    let (key, recipient) = keypair(dir.path(), "key.txt");
    let doc = json_ok(talos_at(&root).args([
        "--json",
        "backup",
        "create",
        "--repo",
        repo.to_str().unwrap(),
        "--host",
        host,
        "--encrypt-to",
        &recipient,
    ]));
    (dir, root, repo, key, doc)
}

#[test]
fn encrypted_backup_to_a_directory_restores_on_a_bare_host_and_drills() {
    let (dir, root_a, repo, key, doc) = pushed_encrypted(7, "host-a");
    let url = doc["repo"]["url"].as_str().unwrap();
    assert!(url.ends_with(".tar.gz.age"), "{doc}");
    assert_eq!(doc["encryption"], "age");
    let object = PathBuf::from(url);
    assert_eq!(object.parent().unwrap(), repo.join("host-a"));
    assert_eq!(
        doc["repo"]["sha256"].as_str().unwrap(),
        sha256_file(&object)
    );
    assert_eq!(
        doc["repo"]["size_bytes"].as_u64().unwrap(),
        std::fs::metadata(&object).unwrap().len()
    );
    assert!(doc["repo"]["upload_ms"].is_u64(), "no upload time: {doc}");
    // The local archive is the same encrypted file.
    let local = PathBuf::from(doc["path"].as_str().unwrap());
    assert!(local.to_string_lossy().ends_with(".tar.gz.age"));
    assert_eq!(sha256_file(&local), sha256_file(&object));
    assert!(
        std::fs::read(&local)
            .unwrap()
            .starts_with(b"age-encryption.org/v1\n")
    );

    // The upload is in A's audit chain; no secret is.
    let audit: String = std::fs::read_dir(root_a.join("var/log/talos/audit"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        audit.contains("\"action\":\"repo_upload\""),
        "no repo_upload record"
    );
    assert!(!audit.contains("AGE-SECRET-KEY"));

    // The repository lists it.
    let list = json_ok(talos_at(&root_a).args([
        "--json",
        "backup",
        "list",
        "--repo",
        repo.to_str().unwrap(),
        "--all-hosts",
    ]));
    assert_eq!(list["backups"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["backups"][0]["host"], "host-a");
    assert_eq!(list["backups"][0]["encrypted"], true);

    // Verify from the repository, with the identity.
    let v = json_ok(talos_at(&root_a).args([
        "--json",
        "backup",
        "verify",
        "--repo",
        repo.to_str().unwrap(),
        "--host",
        "host-a",
        "latest",
        "--identity",
        key.to_str().unwrap(),
    ]));
    assert_eq!(v["ok"], true);

    // A bare host: an empty root, no installation, no local backup.
    let root_b = bare(dir.path(), "bare");
    restore_latest(&root_b, &repo, "host-a", &key)
        .assert()
        .success();
    let a = talos::install::Layout::new(&root_a);
    let b = talos::install::Layout::new(&root_b);
    assert_eq!(
        common::tree_hash(&a.state_dir),
        common::tree_hash(&b.state_dir)
    );
    assert_eq!(sha256_file(&a.config_file), sha256_file(&b.config_file));
    talos_at(&root_b)
        .args(["audit", "verify-chain"])
        .assert()
        .success();

    // The drill from the repository on another bare host.
    let root_c = bare(dir.path(), "bare2");
    let d = json_ok(talos_at(&root_c).args([
        "--json",
        "drill",
        "--repo",
        repo.to_str().unwrap(),
        "--host",
        "host-a",
        "--identity",
        key.to_str().unwrap(),
    ]));
    assert_eq!(d["drill"]["ok"], true, "{d}");
    assert_eq!(d["repo"]["encrypted"], true);
    assert!(d["repo"]["download_ms"].is_u64(), "no download time: {d}");
    assert!(
        std::fs::read_dir(&root_c).unwrap().next().is_none(),
        "the drill wrote into the bare root"
    );

    // TALOS_AGE_IDENTITY works like --identity; a missing identity is a usage error.
    talos_at(&root_c)
        .env("TALOS_AGE_IDENTITY", &key)
        .args([
            "backup",
            "verify",
            "--repo",
            repo.to_str().unwrap(),
            "--host",
            "host-a",
        ])
        .assert()
        .success();

    talos_at(&root_c)
        .args([
            "backup",
            "verify",
            "--repo",
            repo.to_str().unwrap(),
            "--host",
            "host-a",
        ])
        .assert()
        .code(2)
        .stderr(contains("--identity"));
}

#[test]
fn bad_ciphertext_wrong_identity_and_sha_mismatch_exit_3_and_write_nothing() {
    let (dir, _, repo, key, doc) = pushed_encrypted(8, "good");
    let (other_key, _) = keypair(dir.path(), "other.txt");
    let object = PathBuf::from(doc["repo"]["url"].as_str().unwrap());
    let name = object.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(&object).unwrap();

    // Each case is a host of its own in the same repository.
    let put = |host: &str, data: &[u8], sidecar: bool| {
        let d = repo.join(host);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(&name), data).unwrap();
        if sidecar {
            std::fs::write(
                d.join(format!("{name}.sha256")),
                format!("{}  {name}\n", common::archive::sha256_hex(data)),
            )
            .unwrap();
        }
    };
    let mut flipped = bytes.clone();
    let at = flipped.len() - 100;
    flipped[at] ^= 0x01;
    put("flipped", &flipped, true);
    put(
        "truncated",
        &bytes[..bytes.len() - 5000.min(bytes.len() / 2)],
        true,
    );
    // Right bytes, wrong recorded sha256: the object is not what was uploaded.
    put("mismatch", &bytes, false);
    std::fs::write(
        repo.join("mismatch").join(format!("{name}.sha256")),
        format!("{}  {name}\n", "0".repeat(64)),
    )
    .unwrap();

    let cases: [(&str, &Path, &str); 4] = [
        ("good", other_key.as_path(), "does not decrypt"),
        ("flipped", key.as_path(), "corrupt"),
        ("truncated", key.as_path(), ""),
        ("mismatch", key.as_path(), "sha256"),
    ];
    for (host, id, says) in cases {
        let target = bare(dir.path(), &format!("target-{host}"));
        restore_latest(&target, &repo, host, id)
            .assert()
            .code(3)
            .stderr(contains(says));
        assert!(
            std::fs::read_dir(&target).unwrap().next().is_none(),
            "{host}: something was written into the target root"
        );
    }
}

#[test]
fn keep_prunes_that_hosts_objects_and_leftovers_are_cleaned() {
    let (dir, Installed { root: root_a, .. }) = Install::sandbox(9).now_real().create_temp();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("h")).unwrap();
    std::fs::create_dir_all(repo.join("other")).unwrap();
    std::fs::write(repo.join("other/backup_20200101_000000.tar.gz"), b"x").unwrap();
    // What a killed copy leaves: a temporary name, old enough to be stale.
    let stale = repo.join("h/.tmp-upload-backup_20200101_000000.tar.gz-1");
    std::fs::write(&stale, b"partial").unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    for _ in 0..3 {
        json_ok(talos_at(&root_a).args([
            "--json",
            "backup",
            "create",
            "--repo",
            repo.to_str().unwrap(),
            "--host",
            "h",
            "--keep",
            "2",
        ]));
    }
    let names: Vec<String> = objects(&repo, "h")
        .into_iter()
        .filter(|n| n.ends_with(".tar.gz"))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!stale.exists());
    assert!(objects(&repo, "h").iter().all(|n| !n.starts_with(".tmp")));
    // Another host's backups are not touched.
    assert_eq!(objects(&repo, "other").len(), 1);
    // A missing repository directory is an error with a hint, not "no backups".
    talos_at(&root_a)
        .args([
            "backup",
            "list",
            "--repo",
            dir.path().join("nope").to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(contains("mounted"));
}

fn age_cli() -> &'static str {
    let ok = std::process::Command::new("age")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "the `age` command-line tool is missing: install the Debian package `age` (.ci/run does)"
    );
    "age"
}

#[test]
fn interop_with_the_age_command_line_tool_both_ways() {
    let age = age_cli();
    let (dir, Installed { root: root_a, .. }) = Install::sandbox(10).now_real().create_temp();
    let (key, recipient) = keypair(dir.path(), "key.txt");
    let out_dir = dir.path().join("local");
    // Local encrypted backup, without a repository.
    let doc = json_ok(talos_at(&root_a).args([
        "--json",
        "backup",
        "create",
        "--output-dir",
        out_dir.to_str().unwrap(),
        "--encrypt-to",
        &recipient,
    ]));
    let enc = PathBuf::from(doc["path"].as_str().unwrap());
    assert!(enc.to_string_lossy().ends_with(".tar.gz.age"));
    let list = json_ok(talos_at(&root_a).args([
        "--json",
        "backup",
        "list",
        "--dir",
        out_dir.to_str().unwrap(),
    ]));
    assert_eq!(list["backups"][0]["encrypted"], true, "{list}");

    // talos-encrypted → age -d → a tar.gz GNU tar lists.
    let plain = dir.path().join("plain.tar.gz");
    let st = std::process::Command::new(age)
        .arg("-d")
        .arg("-i")
        .arg(&key)
        .arg("-o")
        .arg(&plain)
        .arg(&enc)
        .status()
        .unwrap();
    assert!(st.success());
    let out = std::process::Command::new("tar")
        .arg("-tzf")
        .arg(&plain)
        .output()
        .unwrap();
    assert!(out.status.success());
    let names = String::from_utf8_lossy(&out.stdout);
    assert!(names.lines().any(|l| l == "metadata.json"), "{names}");
    let meta = std::process::Command::new("tar")
        .arg("-xzOf")
        .arg(&plain)
        .arg("metadata.json")
        .output()
        .unwrap();
    let meta: serde_json::Value = serde_json::from_slice(&meta.stdout).unwrap();
    assert_eq!(meta["encryption"], "age");

    // age -r encrypted → talos verifies and restores it.
    let plain_backup = json_ok(talos_at(&root_a).args([
        "--json",
        "backup",
        "create",
        "--output-dir",
        dir.path().join("p").to_str().unwrap(),
    ]));
    let src = PathBuf::from(plain_backup["path"].as_str().unwrap());
    let by_cli = dir.path().join("by-cli.tar.gz.age");
    let st = std::process::Command::new(age)
        .arg("-r")
        .arg(&recipient)
        .arg("-o")
        .arg(&by_cli)
        .arg(&src)
        .status()
        .unwrap();
    assert!(st.success());
    let v = json_ok(
        talos_at(&root_a)
            .args(["--json", "backup", "verify"])
            .arg(&by_cli)
            .arg("--identity")
            .arg(&key),
    );
    assert_eq!(v["ok"], true);
    let target = bare(dir.path(), "restored");
    talos_at(&target)
        .arg("restore")
        .arg(&by_cli)
        .args(["--new-host", "--yes", "--identity"])
        .arg(&key)
        .assert()
        .success();

    assert!(target.join("etc/talos/config.yaml").exists());
}

/// Issue 16: verify and restore from a repository report the object's URL,
/// never the staging copy they read; doctor and `backup list` take an
/// encrypted local backup for a backup (doctor by its name, saying it
/// could not check the content).
#[test]
fn repo_reports_name_the_object_and_encrypted_local_backups_count() {
    let (dir, root_a, repo, key, doc) = pushed_encrypted(10, "host-a");
    let url = doc["repo"]["url"].as_str().unwrap().to_string();
    let repo_args = ["--repo", repo.to_str().unwrap(), "--host", "host-a"];
    let id_args = ["--identity", key.to_str().unwrap()];

    // backup verify --repo, --json and human.
    let v = json_ok(
        talos_at(&root_a)
            .args(["--json", "backup", "verify"])
            .args(repo_args)
            .args(id_args),
    );
    assert_eq!(v["path"], url.as_str(), "{v}");
    assert_eq!(v["repo"]["url"], url.as_str(), "{v}");
    talos_at(&root_a)
        .args(["backup", "verify"])
        .args(repo_args)
        .args(id_args)
        .assert()
        .success()
        .stdout(contains(&url).and(contains("talos-repo-").not()));

    // restore --repo --verify-only, and a real restore on a bare host.
    let v = json_ok(
        talos_at(&root_a)
            .args(["--json", "restore", "--verify-only"])
            .args(repo_args)
            .args(id_args),
    );
    assert_eq!(v["path"], url.as_str(), "{v}");
    let root_b = bare(dir.path(), "bare");
    let r = json_ok(
        talos_at(&root_b)
            .args(["--json", "restore", "--new-host", "--yes"])
            .args(repo_args)
            .args(id_args),
    );
    assert_eq!(r["archive"], url.as_str(), "{r}");
    assert_eq!(r["outcome"]["archive"], url.as_str(), "{r}");
    assert_eq!(r["repo"]["url"], url.as_str(), "{r}");
    let root_c = bare(dir.path(), "bare2");
    talos_at(&root_c)
        .args(["restore", "--new-host", "--yes"])
        .args(repo_args)
        .args(id_args)
        .assert()
        .success()
        .stdout(contains(format!("from {url} into")).and(contains("talos-repo-").not()));

    // drill --repo names the object too, in its report and its history.
    let d = json_ok(
        talos_at(&root_a)
            .args(["--json", "drill"])
            .args(repo_args)
            .args(id_args),
    );
    assert_eq!(d["drill"]["backup"], url.as_str(), "{d}");
    assert!(
        !d.to_string().contains("talos-repo-"),
        "staging path shown: {d}"
    );

    // The local copy is encrypted: backup list and doctor count it.
    let list = json_ok(talos_at(&root_a).args(["--json", "backup", "list"]));
    let backups = list["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 1, "{list}");
    assert_eq!(backups[0]["encrypted"], true);
    assert!(backups[0]["problem"].is_null(), "{list}");
    let out = talos_at(&root_a)
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let backup_findings: Vec<&serde_json::Value> = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "backup")
        .collect();
    assert!(
        backup_findings
            .iter()
            .all(|f| f["severity"] == "info" && f["integrity"] == false),
        "{backup_findings:?}"
    );
    assert!(
        backup_findings.iter().any(|f| f["title"]
            .as_str()
            .unwrap()
            .contains("could not be checked")),
        "{backup_findings:?}"
    );
}
