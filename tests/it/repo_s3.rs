//! Off-host backups to an S3 repository, black-box, against the moto S3
//! server on loopback behind a recording proxy (every request with a body
//! must say Content-Length and never be chunked: real S3 rejects chunked
//! uploads although moto accepts them).

use crate::common;
use crate::common::install::{Install, Installed};
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::s3::{Behaviour, Moto, Proxy};
use crate::common::{json_ok, talos_at};

const SECRET: &str = "sEcReT-never-printed-0123456789";

fn keypair(dir: &Path) -> (PathBuf, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let path = dir.join("key.txt");
    std::fs::write(&path, format!("{}\n", id.to_string().expose_secret())).unwrap();
    (path, id.to_public().to_string())
}

/// `talos --root ROOT` with S3 credentials and the endpoint in the
/// environment, as an operator's cron job would have them.
fn talos_s3(root: &Path, endpoint: &str) -> assert_cmd::Command {
    let mut c = talos_at(root);
    c.env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLETEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("HOME", root);
    c
}

fn assert_no_secret(out: &std::process::Output) {
    for s in [&out.stdout, &out.stderr] {
        assert!(
            !String::from_utf8_lossy(s).contains(SECRET),
            "the secret key was printed"
        );
    }
}

#[test]
fn s3_repository_end_to_end() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("talos-backups");
    let proxy = Proxy::start(moto.port, Behaviour::default());
    let ep = proxy.endpoint();
    let (dir, Installed { root: root_a, .. }) = Install::sandbox(21).now_real().create_temp();
    let (key, recipient) = keypair(dir.path());
    // A file big enough for a multipart upload (random: gzip keeps its size).
    let mut big = vec![0u8; 12 * 1024 * 1024];
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for b in big.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    std::fs::create_dir_all(root_a.join("opt/talos/custom/plugins")).unwrap();
    std::fs::write(root_a.join("opt/talos/custom/plugins/blob.bin"), &big).unwrap();
    drop(big);

    let repo = "s3://talos-backups/fleet/prod";
    let out = talos_s3(&root_a, &ep)
        .args([
            "--json", "backup", "create", "--repo", repo, "--host", "host-a",
        ])
        .args(["--encrypt-to", &recipient, "--keep", "3"])
        .output()
        .unwrap();
    assert_no_secret(&out);
    out.clone().assert().success();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let url = doc["repo"]["url"].as_str().unwrap();
    assert!(
        url.starts_with("s3://talos-backups/fleet/prod/host-a/backup_")
            && url.ends_with(".tar.gz.age"),
        "{url}"
    );
    assert!(
        doc["repo"]["parts"].as_u64().unwrap() >= 2,
        "not a multipart upload: {doc}"
    );
    let local = PathBuf::from(doc["path"].as_str().unwrap());
    assert_eq!(
        doc["repo"]["sha256"].as_str().unwrap(),
        common::archive::sha256_hex(&std::fs::read(&local).unwrap())
    );
    // What the wire carried: Content-Length on every request with a body,
    // nothing chunked, the archive's bytes as application/octet-stream.
    let seen = proxy.seen();
    assert!(
        seen.iter().any(|s| s.target.contains("partNumber=2")),
        "{seen:?}"
    );
    for s in &seen {
        assert!(!s.chunked, "chunked request: {s:?}");
        if s.method == "PUT" || s.method == "POST" {
            assert!(s.content_length.is_some(), "no Content-Length: {s:?}");
        }
        if s.method == "PUT" || s.target.contains("uploads") && s.method == "POST" {
            assert_eq!(
                s.content_type.as_deref(),
                Some("application/octet-stream"),
                "{s:?}"
            );
        }
    }

    // List: this host's, and every host's.
    let list = json_ok(talos_s3(&root_a, &ep).args([
        "--json",
        "backup",
        "list",
        "--repo",
        repo,
        "--all-hosts",
    ]));
    assert_eq!(list["backups"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["backups"][0]["url"], url);

    // A bare host restores the newest, validates, and its chain verifies.
    let root_b = dir.path().join("bare");
    std::fs::create_dir(&root_b).unwrap();
    let out = talos_s3(&root_b, &ep)
        .args([
            "restore",
            "--repo",
            repo,
            "--host",
            "host-a",
            "latest",
            "--new-host",
            "--yes",
        ])
        .arg("--identity")
        .arg(&key)
        .output()
        .unwrap();
    assert_no_secret(&out);
    out.clone().assert().success();
    assert_eq!(
        std::fs::read(root_b.join("opt/talos/custom/plugins/blob.bin"))
            .unwrap()
            .len(),
        12 * 1024 * 1024
    );
    let out = talos_at(&root_b)
        .args(["audit", "verify-chain"])
        .output()
        .unwrap();
    out.clone().assert().success();
    let audit = std::fs::read_dir(root_b.join("var/log/talos/audit"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect::<String>();
    assert!(!audit.contains(SECRET));

    // The drill from the repository on another bare host.
    let root_c = dir.path().join("bare-drill");
    std::fs::create_dir(&root_c).unwrap();
    let d = json_ok(
        talos_s3(&root_c, &ep)
            .args([
                "--json",
                "drill",
                "--repo",
                repo,
                "--host",
                "host-a",
                "--identity",
            ])
            .arg(&key),
    );
    assert_eq!(d["drill"]["ok"], true, "{d}");

    // A missing bucket: exit 1, and the hint says so.
    talos_s3(&root_a, &ep)
        .args(["backup", "list", "--repo", "s3://no-such-bucket/x"])
        .assert()
        .code(1)
        .stderr(contains("does not exist"));

    // kill -9 during an upload leaves no object with a final name; the
    // next backup aborts what it left.
    proxy.behaviour.lock().unwrap().stall_on = Some("partNumber=2".into());
    proxy
        .stalled
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let mut child = common::talos_std(&root_a)
        .env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLETEST")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_ENDPOINT_URL", &ep)
        .env("HOME", &root_a)
        .args(["backup", "create", "--repo", repo, "--host", "host-k"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stalled = common::sim::wait_for(Duration::from_secs(120), || {
        proxy.stalled.load(std::sync::atomic::Ordering::SeqCst)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(stalled, "the upload never reached its second part");
    proxy.behaviour.lock().unwrap().stall_on = None;
    let uploads = moto.get("/talos-backups?uploads");
    assert!(
        uploads.contains("host-k/"),
        "no unfinished upload recorded: {uploads}"
    );
    let list = json_ok(talos_s3(&root_a, &ep).args([
        "--json", "backup", "list", "--repo", repo, "--host", "host-k",
    ]));
    assert_eq!(list["backups"].as_array().unwrap().len(), 0, "{list}");
    json_ok(talos_s3(&root_a, &ep).args([
        "--json", "backup", "create", "--repo", repo, "--host", "host-k",
    ]));
    let uploads = moto.get("/talos-backups?uploads");
    assert!(
        !uploads.contains("<UploadId>"),
        "the unfinished upload was not aborted: {uploads}"
    );
    let list = json_ok(talos_s3(&root_a, &ep).args([
        "--json", "backup", "list", "--repo", repo, "--host", "host-k",
    ]));
    assert_eq!(list["backups"].as_array().unwrap().len(), 1, "{list}");
}

#[test]
fn wrong_credentials_say_what_to_check_and_never_print_the_secret() {
    // The answer AWS gives for an unknown key, from a stand-in endpoint.
    let proxy = Proxy::start(
        1,
        Behaviour {
            deny: true,
            ..Behaviour::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let out = talos_s3(dir.path(), &proxy.endpoint())
        .args(["backup", "list", "--repo", "s3://talos-backups/x"])
        .output()
        .unwrap();
    assert_no_secret(&out);
    out.assert()
        .code(1)
        .stderr(contains("InvalidAccessKeyId").and(contains("AWS_ACCESS_KEY_ID")));
}

#[test]
fn unreachable_endpoint_and_missing_credentials_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let port = common::free_port();
    talos_s3(dir.path(), &format!("http://127.0.0.1:{port}"))
        .args(["backup", "list", "--repo", "s3://talos-backups/x"])
        .assert()
        .code(1)
        .stderr(contains("cannot reach"));
    // No credentials anywhere (HOME has no ~/.aws).
    talos_at(dir.path())
        .env("HOME", dir.path())
        .args(["backup", "list", "--repo", "s3://talos-backups/x"])
        .assert()
        .code(1)
        .stderr(contains("AWS_ACCESS_KEY_ID"));
}

/// A sandbox holding a random `mib` MiB file (gzip keeps its size), so its
/// backup is a multipart upload of about `mib / 8` parts.
fn sandbox_with_blob(seed: u64, mib: usize) -> (tempfile::TempDir, PathBuf) {
    let (dir, Installed { root, .. }) = Install::sandbox(seed).now_real().create_temp();
    let mut big = vec![0u8; mib * 1024 * 1024];
    let mut x: u64 = 0x9e3779b97f4a7c15 ^ seed;
    for b in big.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    std::fs::create_dir_all(root.join("opt/talos/custom/plugins")).unwrap();
    std::fs::write(root.join("opt/talos/custom/plugins/blob.bin"), &big).unwrap();
    (dir, root)
}

/// The `repo_upload` records of the installation's audit chain.
fn repo_upload_records(root: &Path) -> Vec<serde_json::Value> {
    let doc = json_ok(talos_at(root).args(["--json", "audit", "query", "--action", "repo_upload"]));
    doc.as_array().cloned().expect("a list of records")
}

/// What is in the bucket under `prefix`: finished objects and unfinished
/// multipart uploads, asked of moto directly.
fn bucket_state(moto: &Moto, bucket: &str, prefix: &str) -> (String, String) {
    (
        moto.get(&format!("/{bucket}?list-type=2&prefix={prefix}")),
        moto.get(&format!("/{bucket}?uploads")),
    )
}

#[test]
fn parts_go_out_side_by_side_each_with_its_crc32_and_the_object_is_the_archive() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("talos-backups");
    // S3 fails part 2 once (an InternalError, as S3 does now and then):
    // the part is sent again and the upload completes.
    let proxy = Proxy::start(
        moto.port,
        Behaviour {
            fail_on: Some(("partNumber=2&".into(), 1)),
            ..Behaviour::default()
        },
    );
    let (dir, root) = sandbox_with_blob(31, 20);
    let doc = json_ok(
        talos_s3(&root, &proxy.endpoint())
            .env("TALOS_BACKUP_LEVEL", "1")
            .args([
                "--json",
                "backup",
                "create",
                "--repo",
                "s3://talos-backups/p",
            ])
            .args(["--host", "host-p", "--output-dir"])
            .arg(dir.path().join("out")),
    );
    let local = std::fs::read(doc["path"].as_str().unwrap()).unwrap();
    let part = 8 * 1024 * 1024;
    let parts = local.len().div_ceil(part);
    assert!(parts >= 3, "{} bytes", local.len());
    assert_eq!(doc["repo"]["parts"].as_u64(), Some(parts as u64), "{doc}");
    // The object is the local archive, byte for byte.
    let key = doc["repo"]["key"].as_str().unwrap();
    assert!(
        moto.object("talos-backups", key) == local,
        "the object differs from the local archive"
    );
    // Every part carried the CRC32 of its bytes (S3 checks it on arrival),
    // and the upload was created to say so.
    let seen = proxy.seen();
    let create = seen
        .iter()
        .find(|s| s.method == "POST" && s.target.contains("uploads"))
        .expect("a CreateMultipartUpload");
    assert_eq!(create.checksum_algorithm.as_deref(), Some("CRC32"));
    for n in 1..=parts {
        let sent: Vec<_> = seen
            .iter()
            .filter(|s| s.method == "PUT" && s.target.contains(&format!("partNumber={n}&")))
            .collect();
        assert_eq!(sent.len(), if n == 2 { 2 } else { 1 }, "part {n}: {sent:?}");
        let bytes = &local[(n - 1) * part..(n * part).min(local.len())];
        for s in sent {
            assert_eq!(s.checksum_crc32.as_deref(), Some(s.body_crc32.as_str()));
            assert_eq!(s.body_crc32, common::s3::crc32_b64(bytes), "part {n}");
        }
    }
    let recs = repo_upload_records(&root);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["details"]["ok"], true);
    assert_eq!(recs[0]["details"]["parts"].as_u64(), Some(parts as u64));
}

#[test]
fn a_part_s3_keeps_refusing_aborts_the_upload_and_leaves_no_backup() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("talos-backups");
    let proxy = Proxy::start(
        moto.port,
        Behaviour {
            fail_on: Some(("partNumber=2&".into(), usize::MAX)),
            ..Behaviour::default()
        },
    );
    let (dir, root) = sandbox_with_blob(32, 20);
    let out_dir = dir.path().join("out");
    let out = talos_s3(&root, &proxy.endpoint())
        .env("TALOS_BACKUP_LEVEL", "1")
        .args(["backup", "create", "--repo", "s3://talos-backups/p"])
        .args(["--host", "host-f", "--output-dir"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_no_secret(&out);
    out.clone()
        .assert()
        .code(1)
        .stderr(contains("InternalError").and(contains("part 2 failed 3 times")));
    // Sent three times, then given up.
    let tries = proxy
        .seen()
        .iter()
        .filter(|s| s.method == "PUT" && s.target.contains("partNumber=2&"))
        .count();
    assert_eq!(tries, 3);
    // Nothing a reader would take for a backup, and nothing unfinished.
    let (objects, uploads) = bucket_state(&moto, "talos-backups", "p/host-f/");
    assert!(!objects.contains("<Key>"), "{objects}");
    assert!(!uploads.contains("<UploadId>"), "not aborted: {uploads}");
    let list = json_ok(talos_s3(&root, &proxy.endpoint()).args([
        "--json",
        "backup",
        "list",
        "--repo",
        "s3://talos-backups/p",
        "--host",
        "host-f",
    ]));
    assert_eq!(list["backups"].as_array().unwrap().len(), 0, "{list}");
    // The local backup is written all the same, and the failure recorded.
    let local: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("backup_"))
        .collect();
    assert_eq!(local.len(), 1);
    let recs = repo_upload_records(&root);
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(recs[0]["details"]["ok"], false);
}

#[test]
fn an_archive_that_changed_before_its_upload_is_not_stored() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("talos-backups");
    let (dir, root) = sandbox_with_blob(33, 12);
    // The archive is flipped on disk after it was written and hashed: the
    // upload hashes what it reads and refuses to complete.
    talos_s3(&root, &moto.endpoint())
        .env("TALOS_BACKUP_LEVEL", "1")
        .env("TALOS_TEST_TAMPER_BEFORE_UPLOAD", "1")
        .args(["backup", "create", "--repo", "s3://talos-backups/p"])
        .args(["--host", "host-t", "--output-dir"])
        .arg(dir.path().join("out"))
        .assert()
        .code(1)
        .stderr(contains("changed while it was uploaded"));
    let (objects, uploads) = bucket_state(&moto, "talos-backups", "p/host-t/");
    assert!(!objects.contains("<Key>"), "{objects}");
    assert!(!uploads.contains("<UploadId>"), "not aborted: {uploads}");
}
